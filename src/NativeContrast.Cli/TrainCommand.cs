using System.CommandLine;

namespace NativeContrast.Cli;

/// <summary>
/// <c>nativecontrast train</c>. Training (the losses, layers, data and training issues) has not landed
/// yet: the command says so and exits with code 3 instead of pretending to train.
/// </summary>
internal static class TrainCommand
{
    public const int NotImplementedExitCode = 3;

    public static Command Create(TextWriter output)
    {
        var device = new Option<string>("--device") { Description = "Device: cpu, ilgpu-cpu, cuda[:N], opencl[:N] or auto.", DefaultValueFactory = _ => "auto" };
        var command = new Command("train", "Train an encoder with a contrastive objective (not implemented yet).");
        command.Options.Add(device);
        command.SetAction(parse =>
        {
            using var d = Device.Create(parse.GetValue(device)!, output);
            output.WriteLine("train: not implemented yet. The engine foundation (tensors, autograd, devices) is in place;");
            output.WriteLine("the fused losses, layers, data loading and the training loop are tracked as separate issues.");
            return NotImplementedExitCode;
        });
        return command;
    }
}
