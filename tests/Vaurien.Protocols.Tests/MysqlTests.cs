using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Vaurien.Behaviors;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

[Collection(TimingCollection.Name)]
public sealed class MysqlTests(MysqlServer mysql) : IClassFixture<MysqlServer>
{
    private const string Workload = """
        DELIMITER //
        CREATE OR REPLACE PROCEDURE vt.two_results() BEGIN SELECT 1 AS a; SELECT 'two' AS b, NULL AS c; END //
        DELIMITER ;
        SELECT seq, MD5(seq) FROM seq_1_to_10000;
        CALL vt.two_results();
        PREPARE s FROM "SELECT ? + 1 AS x, MD5(?) AS y";
        SET @a = 41;
        EXECUTE s USING @a, @a;
        DEALLOCATE PREPARE s;
        SELECT 'done';

        """;

    internal static IProtocol Mysql() => Exports.Protocol(typeof(MysqlOptions).Assembly, "mysql");

    private static IBehavior Behavior(string name) => Exports.Behavior(typeof(ErrorOptions).Assembly, name);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_MariadbWorkload_OutputIsIdenticalToTheDirectConnection(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Mysql(), mysql.EndPoint);
        var commands = framed ? RecordCommands(proxy) : new ConcurrentQueue<string>();

        var direct = await MysqlClient.MariadbAsync(mysql.EndPoint, Workload);
        var proxied = await MysqlClient.MariadbAsync(proxy.EndPoint, Workload);

        Assert.Equal((0, ""), (direct.ExitCode, direct.Error));
        Assert.Equal((direct.ExitCode, direct.Error), (proxied.ExitCode, proxied.Error));
        Assert.Equal(direct.Output, proxied.Output);
        Assert.Contains("10000\tb7a782741f667201b54880c925faec4b\n", proxied.Output);
        Assert.Contains("a\n1\nb\tc\ntwo\tNULL\n", proxied.Output);
        Assert.Contains("x\ty\n42\t3416a75f4cea9109507cacd8e2f2aefc\n", proxied.Output);

        // Eight statements (the procedure's definition is one) and the client's COM_QUIT.
        Assert.Equal(framed ? [.. Enumerable.Repeat("COM_QUERY", 8), "COM_QUIT"] : [], commands.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_PipelinedCommandsOfEveryResponseShape_AreByteIdenticalToTheDirectConnection(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Mysql(), mysql.EndPoint);
        var commands = framed ? RecordCommands(proxy) : new ConcurrentQueue<string>();

        var prepare = MysqlWire.Command(MysqlWire.ComStmtPrepare, "SELECT ? + 1 AS x, 'y' AS y");
        byte[] Script(uint statement) =>
        [
            .. MysqlWire.Execute(statement, 41),
            .. MysqlWire.Command(MysqlWire.ComStmtSendLongData, [.. BitConverter.GetBytes(statement), 0, 0, (byte)'z']),
            .. MysqlWire.Command(MysqlWire.ComStmtReset, BitConverter.GetBytes(statement)),
            .. MysqlWire.Command(MysqlWire.ComStmtClose, BitConverter.GetBytes(statement)),
            .. MysqlWire.Command(MysqlWire.ComInitDb, "vt"),
            .. MysqlWire.Command(MysqlWire.ComQuery, "CREATE OR REPLACE TABLE raw (a INT, b TEXT)"),
            .. MysqlWire.Command(MysqlWire.ComQuery, "SELECT 1 AS a; SELECT 'two' AS b, NULL AS c; DO 1; SELECT seq FROM seq_1_to_3"),

            // LOCAL INFILE: the server asks for the file, the client sends it and an empty packet, the server answers.
            .. MysqlWire.Command(MysqlWire.ComQuery, "LOAD DATA LOCAL INFILE 'rows.csv' INTO TABLE raw FIELDS TERMINATED BY ','"),
            .. MysqlWire.Packet(2, "1,x\n2,y\n"u8),
            .. MysqlWire.Packet(3, []),
            .. MysqlWire.Command(MysqlWire.ComQuery, "SELECT * FROM raw ORDER BY a"),
            .. MysqlWire.Command(MysqlWire.ComQuery, "SELECT * FROM raw WHERE a > 100"),
            .. MysqlWire.Command(MysqlWire.ComFieldList, "raw\0"),
            .. MysqlWire.Command(MysqlWire.ComPing),

            // COM_SET_OPTION (multi-statements on) is answered by an EOF; COM_CHANGE_USER authenticates again.
            .. MysqlWire.Command(0x1B, [0, 0]),
            .. MysqlWire.Command(0x11, [.. "root\0"u8, 0, .. "vt\0"u8, 33, 0, .. "mysql_native_password\0"u8]),
            .. MysqlWire.Command(MysqlWire.ComQuery, "SELECT seq, MD5(seq) FROM seq_1_to_10000"),
            .. MysqlWire.Command(MysqlWire.ComQuery, "SELECT 1 FROM no_such_table"),
            .. MysqlWire.Command(MysqlWire.ComQuit),
        ];

        var direct = await SessionAsync(mysql.EndPoint, prepare, Script);
        var proxied = await SessionAsync(proxy.EndPoint, prepare, Script);

        var differ = direct.AsSpan().CommonPrefixLength(proxied);
        Assert.True(
            direct.AsSpan().SequenceEqual(proxied),
            $"The responses through the proxy ({proxied.Length} bytes) differ from the direct ones ({direct.Length} bytes) at {differ}: {Convert.ToHexString(proxied, differ, Math.Min(16, proxied.Length - differ))}.");
        Assert.Contains("Table 'vt.no_such_table' doesn't exist", Encoding.UTF8.GetString(proxied));
        Assert.Contains("Records: 2  Deleted: 0  Skipped: 0", Encoding.UTF8.GetString(proxied));
        Assert.DoesNotContain("Unknown prepared statement", Encoding.UTF8.GetString(proxied));
        string[] expected = framed
            ?
            [
                "COM_STMT_PREPARE", "COM_STMT_EXECUTE", "COM_STMT_SEND_LONG_DATA", "COM_STMT_RESET", "COM_STMT_CLOSE", "COM_INIT_DB",
                "COM_QUERY", "COM_QUERY", "COM_QUERY", "COM_QUERY", "COM_QUERY", "COM_FIELD_LIST", "COM_PING", "COM_SET_OPTION", "COM_CHANGE_USER", "COM_QUERY", "COM_QUERY", "COM_QUIT",
            ]
            : [];
        Assert.Equal(expected, commands.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_CommandsAndRowsOver16MiB_SpanSeveralPacketsAndAreByteIdenticalToTheDirectConnection(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Mysql(), mysql.EndPoint);
        var commands = framed ? RecordCommands(proxy) : new ConcurrentQueue<string>();

        // A 17 MB command goes in two packets; a 17 MB value comes back in a row of two packets.
        byte[] script =
        [
            .. MysqlWire.SplitCommand(MysqlWire.ComQuery, $"SELECT LENGTH('{new string('a', 17_000_000)}') AS n"),
            .. MysqlWire.Command(MysqlWire.ComQuery, "SELECT REPEAT('b', 17000000) AS b, 'after' AS c"),
            .. MysqlWire.Command(MysqlWire.ComQuit),
        ];

        var direct = await PipelinedAsync(mysql.EndPoint, script);
        var proxied = await PipelinedAsync(proxy.EndPoint, script);


        Assert.True(direct.AsSpan().SequenceEqual(proxied), $"The responses through the proxy ({proxied.Length} bytes) differ from the direct ones ({direct.Length} bytes).");
        Assert.Contains("\u000817000000", Encoding.ASCII.GetString(proxied[..200]));
        Assert.Contains("after", Encoding.ASCII.GetString(proxied[^100..]));
        Assert.Equal(framed ? ["COM_QUERY", "COM_QUERY", "COM_QUIT"] : [], commands.ToArray());
    }

    [Fact]
    public async Task Error_RealErrorBehavior_MariadbPrintsItsServerErrorAndTheConnectionStaysUsable()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Mysql(), mysql.EndPoint);
        proxy.SetBehavior(Behavior("error"));

        var cli = await MysqlClient.MariadbAsync(proxy.EndPoint, "SELECT 1;\n");

        Assert.Equal(1, cli.ExitCode);
        Assert.EndsWith("ERROR 1053 (08S01) at line 1: Vaurien injected error\n", cli.Error);
        Assert.Equal("", cli.Output);

        // On one connection: the ERR takes the command's place with the sequence id the client expects, and once the
        // behavior is cleared the next command on the same connection gets the server's own answer.
        using var socket = await MysqlWire.ConnectAsync(proxy.EndPoint);
        await socket.SendAllAsync(MysqlWire.Command(MysqlWire.ComQuery, "SELECT 1"));
        var (sequence, error) = await MysqlWire.ReadPacketAsync(socket);
        Assert.Equal((1, "ERROR 1053 (08S01): Vaurien injected error"), (sequence, MysqlWire.DescribeError(error)));

        proxy.ClearBehaviors();
        await socket.SendAllAsync(MysqlWire.Command(MysqlWire.ComQuery, "SELECT 41 + 1"));
        var packets = new List<byte[]>();
        for (var i = 0; i < 5; i++)
        {
            packets.Add((await MysqlWire.ReadPacketAsync(socket)).Payload);
        }

        Assert.Equal([1], packets[0]);
        Assert.Equal("\u000242", Encoding.ASCII.GetString(packets[3]));
        Assert.Equal(0xFE, packets[4][0]);
    }

    [Fact]
    public async Task Delay_EightCommandsEachSentInPieces_AreDelayedOnceEach()
    {
        const int Commands = 8;
        const double Sleep = 0.2;
        await using var proxy = await LoopbackProxy.StartAsync(Mysql(), mysql.EndPoint);
        using var socket = await MysqlWire.ConnectAsync(proxy.EndPoint);
        proxy.SetBehavior(Behavior("delay"), new DelayOptions { Sleep = Sleep });
        var packet = MysqlWire.Command(MysqlWire.ComQuery, "DO 1");

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Commands; i++)
        {
            // Header, then the command byte, then the rest: three sends. The short pause between them is traffic
            // shaping, so each piece reaches the proxy as a read of its own; it is not synchronisation.
            foreach (var piece in new[] { packet[..4], packet[4..5], packet[5..] })
            {
                await socket.SendAllAsync(piece);
                await Task.Delay(10);
            }

            var (_, ok) = await MysqlWire.ReadPacketAsync(socket);
            Assert.Equal(0x00, ok[0]);
        }

        TimingCollection.AssertEachDelayedOnce(watch.Elapsed, Commands, Sleep);
    }

    [Fact]
    public async Task Transient_AgitateTwo_FailsTheFirstTwoStatementsThenWorks()
    {
        const string Script = "SELECT 1 AS one;\nSELECT 2 AS two;\nSELECT 3 AS three;\n";
        await using var proxy = await LoopbackProxy.StartAsync(Mysql(), mysql.EndPoint);

        // What the client sends on its own counts too: in batch mode, nothing at connect, one COM_QUIT at the end.
        var commands = RecordCommands(proxy);
        var counted = await MysqlClient.MariadbAsync(proxy.EndPoint, Script, "--force");
        Assert.Equal(["COM_QUERY", "COM_QUERY", "COM_QUERY", "COM_QUIT"], commands.ToArray());
        Assert.Equal("one\n1\ntwo\n2\nthree\n3\n", counted.Output);

        proxy.SetBehavior(Behavior("transient"), new TransientOptions { Agitate = 2 });
        var cli = await MysqlClient.MariadbAsync(proxy.EndPoint, Script, "--force");

        Assert.Equal(2, Regex.Matches(cli.Error, "ERROR").Count);
        Assert.Contains("ERROR 1053 (08S01) at line 1: Vaurien injected error\n", cli.Error);
        Assert.EndsWith("ERROR 1053 (08S01) at line 2: Vaurien injected error\n", cli.Error);
        Assert.Equal("three\n3\n", cli.Output);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Frame_BeyondMaxFrame_ClosesCleanly(bool command)
    {
        var options = new LoopbackProxyOptions { ProtocolOptions = new MysqlOptions { MaxFrame = 4096 } };
        await using var proxy = await LoopbackProxy.StartAsync(Mysql(), mysql.EndPoint, options);
        proxy.SetBehavior(new DelegateBehavior());
        using var socket = await MysqlWire.ConnectAsync(proxy.EndPoint);

        if (command)
        {
            // A command announcing 1 MB: nothing is allocated for it; the connection ends with a FIN.
            await socket.SendAllAsync(new byte[] { 0x00, 0x00, 0x10, 0x00, MysqlWire.ComQuery, 0x53, 0x45, 0x4C });
        }
        else
        {
            // A row of 10000 bytes in the server's answer.
            await socket.SendAllAsync(MysqlWire.Command(MysqlWire.ComQuery, "SELECT REPEAT('a', 10000)"));
        }

        Assert.True(await socket.WaitForCloseAsync(), "A frame too large is a FIN, not a reset.");

        // The proxy and the server are fine: the next connection works.
        using var next = await MysqlWire.ConnectAsync(proxy.EndPoint);
        await next.SendAllAsync(MysqlWire.Command(MysqlWire.ComPing));
        Assert.Equal(0x00, (await MysqlWire.ReadPacketAsync(next)).Payload[0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HalfClose_ClientEndsRightAfterItsCommand_TheWholeResponseArrivesThenTheServersFin(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Mysql(), mysql.EndPoint);
        if (framed)
        {
            proxy.SetBehavior(new DelegateBehavior());
        }

        var direct = await HalfClosedAsync(mysql.EndPoint);
        var proxied = await HalfClosedAsync(proxy.EndPoint);

        Assert.Equal(direct, proxied);
        Assert.Contains("b7a782741f667201b54880c925faec4b", Encoding.ASCII.GetString(proxied));

        static async Task<byte[]> HalfClosedAsync(IPEndPoint endPoint)
        {
            using var socket = await MysqlWire.ConnectAsync(endPoint);
            await socket.SendAllAsync(MysqlWire.Command(MysqlWire.ComQuery, "SELECT SLEEP(0.2), MD5(10000)"));
            socket.Shutdown(SocketShutdown.Send);
            return await socket.ReceiveToEndAsync();
        }
    }

    [Fact]
    public async Task Tls_SslRequest_TheEncryptedSessionIsRelayedUnframed()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Mysql(), mysql.EndPoint);
        var commands = RecordCommands(proxy);

        var cli = await MysqlClient.MariadbAsync(proxy.EndPoint, "SHOW SESSION STATUS LIKE 'Ssl_version';\nSELECT seq FROM seq_1_to_3;\n", "--ssl");

        Assert.Equal((0, ""), (cli.ExitCode, cli.Error));
        Assert.Matches("^Variable_name\tValue\nSsl_version\tTLSv1\\.[23]\nseq\n1\n2\n3\n$", cli.Output);

        // Past the SSLRequest nothing can be framed: no command is an exchange.
        Assert.Empty(commands);
    }

    // A behavior that does nothing but record the command names still makes every command an exchange: the framed path.
    private static ConcurrentQueue<string> RecordCommands(LoopbackProxy proxy)
    {
        var commands = new ConcurrentQueue<string>();
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => commands.Enqueue(context.Command ?? "")));
        return commands;
    }

    // On a new connection: sends the whole script at once and returns everything after the handshake, up to the
    // server's FIN that follows COM_QUIT.
    private static async Task<byte[]> PipelinedAsync(IPEndPoint endPoint, byte[] script)
    {
        using var socket = await MysqlWire.ConnectAsync(endPoint);
        await socket.SendAllAsync(script);
        return await socket.ReceiveToEndAsync();
    }

    // On a new connection: prepares a statement (one parameter, two columns: OK, 2 + 2 definitions, 2 EOFs), then
    // sends the script for its id, pipelined, and returns everything after the handshake (the id zeroed) up to the
    // server's FIN that follows COM_QUIT.
    private static async Task<byte[]> SessionAsync(IPEndPoint endPoint, byte[] prepare, Func<uint, byte[]> script)
    {
        using var socket = await MysqlWire.ConnectAsync(endPoint);
        await socket.SendAllAsync(prepare);
        var answer = new List<byte[]>();
        for (var i = 0; i < 6; i++)
        {
            var (sequence, payload) = await MysqlWire.ReadPacketAsync(socket);
            answer.Add(MysqlWire.Packet(sequence, payload));
        }

        await socket.SendAllAsync(script(BitConverter.ToUInt32(answer[0], 5)));

        // The statement id is the server's to choose (it differs between connections): only it is left out.
        answer[0].AsSpan(5, 4).Clear();
        return [.. answer.SelectMany(packet => packet), .. await socket.ReceiveToEndAsync()];
    }
}
