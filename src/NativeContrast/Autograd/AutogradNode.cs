namespace NativeContrast.Autograd;

/// <summary>
/// One recorded op in the graph: its inputs and how to turn the gradient of its output into the
/// gradients of its inputs. Each op class holds its forward (a static method) next to this backward.
/// </summary>
internal abstract class AutogradNode
{
    protected AutogradNode(params Tensor[] inputs) => Inputs = inputs;

    public Tensor[] Inputs { get; }

    /// <summary>Name for error messages.</summary>
    public virtual string Name => GetType().Name.Replace("Op", string.Empty, StringComparison.Ordinal);

    /// <summary>How a profile (<see cref="OpProfile"/>) tells this node from others of its kind: its name, and for ops whose cost depends on more than their kind, their sizes.</summary>
    public virtual string ProfileName => Name;

    /// <summary>
    /// Gradients with respect to each input (null where an input needs none), each with that input's
    /// shape. Runs with graph recording off. Must not dispose <paramref name="gradOutput"/>.
    /// </summary>
    public abstract Tensor?[] Backward(Tensor gradOutput);

    /// <summary>Attaches <paramref name="node"/> to <paramref name="output"/> when recording and any input needs a gradient.</summary>
    public static Tensor Record(Tensor output, Func<AutogradNode> node, params Tensor[] inputs)
    {
        if (!GradMode.IsEnabled) return output;
        foreach (var input in inputs)
        {
            if (input.RequiresGrad)
            {
                output.GradFn = node();
                output.RequiresGradInternal = true;
                OpProfile.Mark("forward", output.GradFn);
                return output;
            }
        }
        return output;
    }
}
