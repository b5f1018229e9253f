namespace Vaurien.Host.Tests.Support;

internal sealed class PlainProtocol : Protocol<PlainOptions>
{
    protected override Task RunAsync(ProtocolConnection connection, PlainOptions options) => Task.CompletedTask;

    protected override ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message, PlainOptions options) =>
        ValueTask.CompletedTask;
}
