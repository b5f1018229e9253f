using System.Reflection;
using Vaurien;

namespace My.Namespace.Tests;

public class SuperProtocolTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    // The host calls the protocol through IProtocol, with its options on the connection: so do the tests.
    private readonly IProtocol _protocol = new SuperProtocol();

    [Fact]
    public void Export_HasTheNameAndADescription()
    {
        var export = typeof(SuperProtocol).GetCustomAttribute<ExportProtocolAttribute>();
        Assert.NotNull(export);
        Assert.Equal("super", export.Name);
        Assert.False(string.IsNullOrWhiteSpace(export.Description));
    }

    [Fact]
    public async Task RunAsync_EachLine_IsOneExchangeEachWay()
    {
        var connection = new FakeProtocolConnection(_protocol);
        var run = _protocol.RunAsync(connection);

        await connection.SendFromClientAsync("GET a\nset b 1\n");
        Assert.Equal("GET a\nset b 1\n", (await connection.ReceivedByBackendAsync(14)).Text);
        await connection.SendFromBackendAsync("1\nOK\n");
        Assert.Equal("1\nOK\n", (await connection.ReceivedByClientAsync(5)).Text);

        await EndBothAsync(connection, run);
        Assert.Equal(
            [(Direction.ToBackend, "GET a\n", "GET"), (Direction.ToBackend, "set b 1\n", "SET"), (Direction.ToClient, "1\n", null), (Direction.ToClient, "OK\n", null)],
            connection.Exchanges);
    }

    [Fact]
    public async Task RunAsync_LineInPieces_IsFramedWhole()
    {
        var connection = new FakeProtocolConnection(_protocol);
        var run = _protocol.RunAsync(connection);

        await connection.SendFromClientAsync("GE");
        await connection.SendFromClientAsync("T a\n");
        Assert.Equal("GET a\n", (await connection.ReceivedByBackendAsync(6)).Text);

        await EndBothAsync(connection, run);
        Assert.Equal([(Direction.ToBackend, "GET a\n", "GET")], connection.Exchanges);
    }

    [Fact]
    public async Task RunAsync_ReplyWithError_AnswersAnErrLine_AndSkipsTheBackend()
    {
        var connection = new FakeProtocolConnection(_protocol)
        {
            Policy = (direction, line) => line.StartsWith("DEL", StringComparison.Ordinal) ? FakeAction.ReplyWithError : FakeAction.Forward,
            ErrorMessage = "no\r\nway",
        };
        var run = _protocol.RunAsync(connection);

        await connection.SendFromClientAsync("DEL a\nGET b\n");
        Assert.Equal("ERR no way\n", (await connection.ReceivedByClientAsync(11)).Text);

        // Lines keep their order: had DEL gone through, the backend would have got it first.
        Assert.Equal("GET b\n", (await connection.ReceivedByBackendAsync(6)).Text);
        await EndBothAsync(connection, run);
    }

    [Fact]
    public async Task RunAsync_ReplyWithErrorWithoutMessage_SendsTheDefaultErrLine()
    {
        var connection = new FakeProtocolConnection(_protocol) { Policy = (_, _) => FakeAction.ReplyWithError, ErrorMessage = null };
        var run = _protocol.RunAsync(connection);

        await connection.SendFromClientAsync("GET a\n");
        Assert.Equal("ERR backend unavailable\n", (await connection.ReceivedByClientAsync(24)).Text);
        await EndBothAsync(connection, run);
    }

    [Fact]
    public async Task RunAsync_ClientEndsItsStream_PassesItOn_AndTheBackendCanStillAnswer()
    {
        var connection = new FakeProtocolConnection(_protocol);
        var run = _protocol.RunAsync(connection);

        await connection.SendFromClientAsync("QUIT\n");
        await connection.EndClientAsync();
        Assert.Equal(("QUIT\n", true), await connection.ReceivedByBackendAsync(int.MaxValue));

        await connection.SendFromBackendAsync("BYE\n");
        await connection.EndBackendAsync();
        Assert.Equal(("BYE\n", true), await connection.ReceivedByClientAsync(int.MaxValue));
        await run.WaitAsync(Deadline);
    }

    [Fact]
    public async Task RunAsync_LastLineWithoutNewline_IsForwardedAtTheEnd()
    {
        var connection = new FakeProtocolConnection(_protocol);
        var run = _protocol.RunAsync(connection);

        await connection.SendFromClientAsync("GET a");
        await connection.EndClientAsync();
        Assert.Equal(("GET a", true), await connection.ReceivedByBackendAsync(int.MaxValue));
        await connection.EndBackendAsync();
        await run.WaitAsync(Deadline);
        Assert.Equal([(Direction.ToBackend, "GET a", "GET")], connection.Exchanges);
    }

    [Fact]
    public async Task RunAsync_LineLongerThanTheLimit_IsPassedOnInPieces()
    {
        var connection = new FakeProtocolConnection(_protocol, new SuperProtocolOptions { MaxLineLength = 16 });
        var run = _protocol.RunAsync(connection);
        var line = new string('x', 40) + "\n";

        await connection.SendFromClientAsync(line);
        Assert.Equal(line, (await connection.ReceivedByBackendAsync(line.Length)).Text);

        await EndBothAsync(connection, run);
        Assert.Equal([16, 16, 9], connection.Exchanges.Select(e => e.Data.Length));
    }

    [Fact]
    public async Task RunAsync_PassThrough_ForwardsWithoutExchanges()
    {
        var connection = new FakeProtocolConnection(_protocol) { PassThrough = true };
        var run = _protocol.RunAsync(connection);

        await connection.SendFromClientAsync("GET a\nGET");
        Assert.Equal("GET a\nGET", (await connection.ReceivedByBackendAsync(9)).Text);

        await EndBothAsync(connection, run);
        Assert.Empty(connection.Exchanges);
    }

    [Fact]
    public async Task RunAsync_BehaviorClosesTheConnection_Returns()
    {
        var connection = new FakeProtocolConnection(_protocol) { Policy = (_, _) => FakeAction.Close };
        var run = _protocol.RunAsync(connection);

        await connection.SendFromClientAsync("GET a\n");
        await run.WaitAsync(Deadline);
        Assert.True(connection.Closed.IsCancellationRequested);
        Assert.Single(connection.Exchanges);
    }

    private static async Task EndBothAsync(FakeProtocolConnection connection, Task run)
    {
        await connection.EndClientAsync();
        await connection.EndBackendAsync();
        await run.WaitAsync(Deadline);
    }
}
