using NativeContrast.Distributed;
using NativeContrast.Nn;

namespace NativeContrast.Training;

/// <summary>The method object for each <see cref="TrainingMethod"/>.</summary>
internal static class TrainingMethods
{
    public static ContrastiveMethod Create(TrainingConfig config, int channels, Device device, Module encoder, ProjectionHead head, Communicator communicator) =>
        config.Method switch
        {
            TrainingMethod.SimClr => new SimClrMethod(config),
            TrainingMethod.SupCon => new SupConMethod(),
            TrainingMethod.Triplet => new TripletMethod(config.Margin, config.Mining),
            TrainingMethod.MoCo => new MoCoMethod(config, channels, device, encoder, head, communicator),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Method, "Unknown training method."),
        };
}
