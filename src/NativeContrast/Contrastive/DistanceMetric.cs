namespace NativeContrast.Losses;

/// <summary>Distances for <see cref="TripletLoss"/>.</summary>
public enum DistanceMetric
{
    /// <summary>‖a − b‖.</summary>
    Euclidean = Kernels.TripletDistance.Euclidean,

    /// <summary>‖a − b‖².</summary>
    SquaredEuclidean = Kernels.TripletDistance.Squared,

    /// <summary>1 − a·b/(‖a‖‖b‖).</summary>
    Cosine = Kernels.TripletDistance.Cosine,
}
