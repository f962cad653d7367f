namespace NativeContrast.Autograd;

/// <summary>
/// Reverse-mode sweep: topological order from the root, seed dL/dL = 1, call each node's backward,
/// check each gradient's shape, sum gradients that meet at a tensor, and accumulate (+=) into the
/// <see cref="Tensor.Grad"/> of leaves that require it. Intermediate gradients are freed as soon as used.
/// </summary>
internal static class BackwardPass
{
    public static void Run(Tensor root, Tensor? seed)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward() was called on a tensor that does not require a gradient (no input had RequiresGrad = true, or it was computed under NoGrad).");
        var order = TopologicalOrder(root);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        using var noGrad = GradMode.NoGrad();
        grads[root] = seed is null ? Tensor.Full(root.ShapeArray, 1.0, root.Device, root.DType) : seed.Clone();
        for (int n = order.Count - 1; n >= 0; n--)
        {
            var tensor = order[n];
            if (!grads.Remove(tensor, out var grad)) continue;
            if (tensor.GradFn is null)
            {
                AccumulateLeaf(tensor, grad);
                grad.Dispose();
                continue;
            }
            var node = tensor.GradFn;
            var inputGrads = node.Backward(grad);
            OpProfile.Mark("backward", node);
            grad.Dispose();
            for (int i = 0; i < node.Inputs.Length; i++)
            {
                var input = node.Inputs[i];
                var g = inputGrads[i];
                if (g is null) continue;
                if (!input.RequiresGrad) { g.Dispose(); continue; }
                if (!g.ShapeArray.AsSpan().SequenceEqual(input.ShapeArray))
                    throw new InvalidOperationException(
                        $"{node.Name} backward produced a gradient of shape {Shapes.Format(g.ShapeArray)} for an input of shape {Shapes.Format(input.ShapeArray)}.");
                if (grads.TryGetValue(input, out var existing))
                {
                    existing.AddInPlace(g);
                    g.Dispose();
                }
                else
                {
                    grads[input] = g;
                }
            }
        }
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor grad)
    {
        if (leaf.Grad is null) leaf.Grad = grad.MoveUnscoped(); // no copy: a leaf's first gradient costs no extra N×D
        else leaf.Grad.AddInPlace(grad);
    }

    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (t, expanded) = stack.Pop();
            if (expanded) { order.Add(t); continue; }
            if (!visited.Add(t)) continue;
            stack.Push((t, true));
            if (t.GradFn is null) continue;
            foreach (var input in t.GradFn.Inputs)
                if (input.RequiresGrad && !visited.Contains(input)) stack.Push((input, false));
        }
        return order;
    }
}
