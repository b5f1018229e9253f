using Vaurien.Ctl;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    return await new VaurienCtl(Console.Out, Console.Error).RunAsync(args, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return CtlExitCodes.RequestFailed;
}
