using System.Runtime.InteropServices;
using Vaurien.Host.Cli;
using Vaurien.Host.Proxy;

// Before any socket exists: the socket engine reads this once.
SocketEngine.UseInlineCompletions();

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    return await new VaurienCli(Console.Out, Console.Error).RunAsync(args, stop.Token);
}
catch (Exception e) when (!stop.IsCancellationRequested)
{
    // The last line of defence: one line, not a stack trace.
    Console.Error.WriteLine($"vaurien: unexpected error: {e.GetType().Name}: {e.Message}");
    return ExitCodes.StartFailed;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
