using Vaurien;

namespace Fixture.Services;

/// <summary>A protocol export, to prove protocols are discovered next to behaviors.</summary>
[ExportProtocol("line", Description = "Lines of text.")]
internal sealed class LineProtocol : IProtocol
{
    public Task RunAsync(ProtocolConnection connection) => Task.CompletedTask;

    public ValueTask WriteErrorAsync(ProtocolConnection connection, BehaviorContext exchange, string? message) => ValueTask.CompletedTask;
}
