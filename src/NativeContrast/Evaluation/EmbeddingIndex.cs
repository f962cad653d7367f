using NativeContrast.IO;

namespace NativeContrast.Evaluation;

/// <summary>
/// Exact nearest-neighbour search by cosine similarity over embeddings that name their rows: what <c>embed</c> writes
/// (E.npy and E.files.txt) loaded with <see cref="Load"/>, or rows added from code. Rows are L2-normalized on the way in;
/// a search multiplies the queries by the index in blocks through the SGEMM and keeps a top-k per query, so memory is
/// the index plus one block of similarities (256 queries × rows), never an index × query matrix.
/// </summary>
public sealed class EmbeddingIndex
{
    private readonly List<float> rows = [];
    private readonly List<string> names = [];

    /// <summary>The rows as one array for the SGEMM, made at the first search after an <see cref="Add(float[], IReadOnlyList{string})"/>.</summary>
    private float[]? packed;

    /// <summary>An empty index of <paramref name="dimension"/>-d vectors.</summary>
    public EmbeddingIndex(int dimension)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The embedding dimension must be at least 1.");
        Dimension = dimension;
    }

    /// <summary>Size of each vector.</summary>
    public int Dimension { get; }

    /// <summary>Vectors in the index.</summary>
    public int Count => names.Count;

    /// <summary>The name of each row (a file path, as embed's files.txt gives it, or the row number).</summary>
    public IReadOnlyList<string> Names => names;

    /// <summary>
    /// Reads an index from a float32 [N, D] .npy and, when it is there, the files.txt beside it (one name per row; a
    /// missing files.txt names the rows by number).
    /// </summary>
    /// <exception cref="InvalidDataException">The .npy is not [N, D] floats, or files.txt has another number of lines.</exception>
    public static EmbeddingIndex Load(string npyPath)
    {
        var array = NpyFile.Read(npyPath);
        if (array.Shape.Count != 2 || !array.IsFloatingPoint)
            throw new InvalidDataException($"'{npyPath}' must hold float embeddings [N, D]; it holds {array.Describe()}.");
        int n = array.Shape[0], d = array.Shape[1];
        var filesPath = Path.ChangeExtension(npyPath, null) + ".files.txt";
        var files = File.Exists(filesPath) ? File.ReadAllLines(filesPath).Where(l => l.Length > 0).ToArray() : null;
        if (files is not null && files.Length != n)
            throw new InvalidDataException($"'{filesPath}' names {files.Length} files but '{npyPath}' has {n} rows.");
        var index = new EmbeddingIndex(d);
        index.Add(array.ToFloatArray(), files ?? Enumerable.Range(0, n).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        return index;
    }

    /// <summary>Adds one embedding under <paramref name="name"/>.</summary>
    public void Add(float[] embedding, string name) => Add(embedding, [name]);

    /// <summary>Adds rows [names.Count, D] (row-major), one name each.</summary>
    public void Add(float[] embeddings, IReadOnlyList<string> rowNames)
    {
        if (embeddings.Length != rowNames.Count * Dimension)
            throw new ArgumentException($"{rowNames.Count} names need {rowNames.Count} × {Dimension} values; got {embeddings.Length}.", nameof(embeddings));
        for (int r = 0; r < rowNames.Count; r++)
        {
            var row = embeddings.AsSpan(r * Dimension, Dimension);
            double norm = 0;
            foreach (var v in row) norm += v * (double)v;
            if (!(norm > 0) || !double.IsFinite(norm))
                throw new ArgumentException($"Embedding '{rowNames[r]}' is zero or not finite; it has no direction to compare.", nameof(embeddings));
            float inverse = (float)(1 / Math.Sqrt(norm));
            foreach (var v in row) rows.Add(v * inverse);
            names.Add(rowNames[r]);
        }
        packed = null;
    }

    /// <summary>The <paramref name="k"/> rows most similar to <paramref name="query"/> [D], best first.</summary>
    public IReadOnlyList<SearchHit> Search(float[] query, int k = 8) => Search(query, 1, k)[0];

    /// <summary>The <paramref name="k"/> nearest rows of each of <paramref name="count"/> queries [count, D], best first (ties: lower row first).</summary>
    public IReadOnlyList<SearchHit>[] Search(float[] queries, int count, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        if (queries.Length != count * Dimension)
            throw new ArgumentException($"{count} queries need {count} × {Dimension} values; got {queries.Length}.", nameof(queries));
        if (Count == 0) throw new InvalidOperationException("The index is empty.");
        var unit = (float[])queries.Clone();
        for (int q = 0; q < count; q++)
        {
            var row = unit.AsSpan(q * Dimension, Dimension);
            double norm = 0;
            foreach (var v in row) norm += v * (double)v;
            float inverse = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
            for (int j = 0; j < row.Length; j++) row[j] *= inverse;
        }
        var hits = new IReadOnlyList<SearchHit>[count];
        packed ??= rows.ToArray();
        Neighbours.ForEachQuery(packed, unit, count, Dimension, Math.Min(k, Count), excludeSelf: false,
            (q, indices, similarities) => hits[q] = indices.Select((row, i) => new SearchHit(row, names[row], similarities[i])).ToArray());
        return hits;
    }
}
