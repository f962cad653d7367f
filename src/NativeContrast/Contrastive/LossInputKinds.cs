namespace NativeContrast.Losses;

/// <summary>What a loss reads besides the embeddings (a set of flags).</summary>
[Flags]
public enum LossInputKinds
{
    /// <summary>The embeddings only.</summary>
    None = 0,

    /// <summary>A second set of rows [M, D] (the keys of InfoNCE, the other modality of CLIP).</summary>
    Keys = 1,

    /// <summary>An int label per row [N]: rows of one label are positives of each other.</summary>
    Labels = 2,

    /// <summary>An int positive index per row [N] (the partner view of NT-Xent, the key of InfoNCE).</summary>
    Positives = 4,
}
