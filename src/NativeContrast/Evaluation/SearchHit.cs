namespace NativeContrast.Evaluation;

/// <summary>One neighbour found by <see cref="EmbeddingIndex.Search(float[], int)"/>: its row in the index, its name (file) and its cosine similarity.</summary>
public sealed record SearchHit(int Row, string Name, float Similarity);
