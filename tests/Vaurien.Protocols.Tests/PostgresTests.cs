using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Vaurien.Behaviors;
using Vaurien.Testing.Network;

namespace Vaurien.Protocols.Tests;

[Collection(TimingCollection.Name)]
public sealed class PostgresTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private const string InjectedMessage = "terminating connection due to administrator command (Vaurien injected error)";

    internal static IProtocol Postgres() => Exports.Protocol(typeof(PostgresOptions).Assembly, "postgres");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_PsqlTenThousandRows_OutputIsByteIdenticalToTheDirectConnection(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        var exchanges = RecordRequests(proxy, framed);

        const string Sql = "select i, md5(i::text), repeat('x', i % 50) from generate_series(1, 10000) as i";

        var direct = await PsqlAsync(postgres.EndPoint, "-c", Sql);
        var proxied = await PsqlAsync(proxy.EndPoint, "-c", Sql);

        Assert.Equal(0, direct.ExitCode);
        Assert.Equal(0, proxied.ExitCode);
        Assert.Equal(10000, Encoding.UTF8.GetString(proxied.Output).Count(c => c == '\n'));
        Assert.True(direct.Output.AsSpan().SequenceEqual(proxied.Output), "psql's output through the proxy differs from the direct one.");
        Assert.Equal(framed ? 1 : 0, exchanges.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_NpgsqlPreparedStatementAndCopy_ResultsAreIdenticalToTheDirectConnection(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        var exchanges = RecordRequests(proxy, framed);

        var direct = await NpgsqlWorkloadAsync(postgres.EndPoint);
        var proxied = await NpgsqlWorkloadAsync(proxy.EndPoint);

        Assert.Contains("imported 1000", proxied);
        Assert.Contains("999\tname-999\t499.5\n", proxied);
        Assert.Equal(direct, proxied);
        if (framed)
        {
            // Every command, the COPYs included, was a request of its own.
            Assert.InRange(exchanges.Count, 7, 1000);
        }
    }

    [Theory]
    [InlineData("prefer")]
    [InlineData("require")]
    public async Task Tls_PsqlOverTls_IsRelayedUnframedAndWorks(string sslMode)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        var exchanges = RecordRequests(proxy);
        const string Sql = "select ssl, version from pg_stat_ssl where pid = pg_backend_pid()";

        var direct = await PsqlWithSslAsync(postgres.EndPoint, sslMode, "-c", Sql);
        var proxied = await PsqlWithSslAsync(proxy.EndPoint, sslMode, "-c", Sql);

        // The SSLRequest's 'S' turns the rest of the connection into TLS, which the proxy relays as it is.
        Assert.Equal(0, proxied.ExitCode);
        Assert.StartsWith("t|TLS", Encoding.UTF8.GetString(proxied.Output));
        Assert.Equal(direct.Output, proxied.Output);
        Assert.Empty(exchanges);
    }

    [Fact]
    public async Task Error_Psql_PrintsTheServerErrorAndExitsNonZero()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        proxy.SetBehavior(Exports.Behavior(typeof(ErrorOptions).Assembly, "error"));

        var psql = await PsqlAsync(proxy.EndPoint, "-c", "select 1");

        Assert.NotEqual(0, psql.ExitCode);
        Assert.Equal("", Encoding.UTF8.GetString(psql.Output));
        Assert.Equal($"ERROR:  {InjectedMessage}\n", psql.Errors);
    }

    [Fact]
    public async Task Error_Npgsql_ThrowsPostgresException57P01AndANewConnectionWorksOnceCleared()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString(proxy.EndPoint));
        await connection.OpenAsync();
        proxy.SetBehavior(Exports.Behavior(typeof(ErrorOptions).Assembly, "error"));

        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, "select 1"));
        proxy.ClearBehaviors();

        Assert.Equal("57P01", error.SqlState);
        Assert.Equal("ERROR", error.Severity);
        Assert.Equal(InjectedMessage, error.MessageText);

        // Npgsql's own choice: admin_shutdown (a real server sends it just before closing) breaks its connection.
        Assert.Equal(ConnectionState.Closed, connection.State);
        await connection.OpenAsync();
        Assert.Equal(42, await ScalarAsync(connection, "select 42"));
    }

    [Fact]
    public async Task Error_NpgsqlWithAnotherSqlState_TheNextCommandOnTheSameConnectionWorksInTheSameTransaction()
    {
        var options = new LoopbackProxyOptions { ProtocolOptions = new PostgresOptions { SqlState = "P0001", ErrorMessage = "injected" } };
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint, options);
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString(proxy.EndPoint));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ScalarAsync(connection, "create temp table kept (v int); insert into kept values (7)");
        proxy.SetBehavior(Exports.Behavior(typeof(ErrorOptions).Assembly, "error"));

        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, "select v from kept"));
        proxy.ClearBehaviors();

        Assert.Equal("P0001", error.SqlState);
        Assert.Equal("injected", error.MessageText);
        Assert.Equal(ConnectionState.Open, connection.State);

        // The injected ReadyForQuery repeated the status 'T': the transaction (and its table) is still there.
        Assert.Equal(7, await ScalarAsync(connection, "select v from kept"));
        await transaction.CommitAsync();
        Assert.Equal(43, await ScalarAsync(connection, "select 43"));
    }

    [Fact]
    public async Task Error_PipelinedQueries_TheErrorTakesOnlyItsQuerysPlace()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        using var client = await PostgresWire.ConnectAsync(proxy.EndPoint);
        var seen = 0;
        proxy.SetBehavior(DelegateBehavior.OnRequests(context =>
        {
            Assert.Equal("Query", context.Command);
            return Interlocked.Increment(ref seen) == 2 ? context.ReplyWithErrorAsync() : ValueTask.CompletedTask;
        }));

        byte[] pipeline = [.. PostgresWire.Query("select 1"), .. PostgresWire.Query("select 2"), .. PostgresWire.Query("select 3")];
        await client.SendAllAsync(pipeline);
        var first = await PostgresWire.ReadUntilReadyAsync(client);
        var second = await PostgresWire.ReadUntilReadyAsync(client);
        var third = await PostgresWire.ReadUntilReadyAsync(client);

        Assert.Equal("1", PostgresWire.FirstValue(first.Single(m => m.Type == 'D').Body));
        Assert.Equal(['E', 'Z'], second.Select(m => m.Type));
        Assert.Equal("57P01", PostgresWire.Field(second[0].Body, 'C'));
        Assert.Equal(InjectedMessage, PostgresWire.Field(second[0].Body, 'M'));
        Assert.Equal("I", Encoding.ASCII.GetString(second[1].Body));
        Assert.Equal("3", PostgresWire.FirstValue(third.Single(m => m.Type == 'D').Body));
        Assert.Equal(3, Volatile.Read(ref seen));
    }

    [Fact]
    public async Task Exchanges_NpgsqlCommands_AreOneExchangePerSync()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString(proxy.EndPoint));
        await connection.OpenAsync();
        var commands = RecordRequests(proxy);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, await ScalarAsync(connection, $"select {i}"));
        }

        await using var prepared = new NpgsqlCommand("select 7", connection);
        await prepared.PrepareAsync();
        Assert.Equal(7, await prepared.ExecuteScalarAsync());
        Assert.Equal(7, await prepared.ExecuteScalarAsync());

        Assert.Equal(["Parse", "Parse", "Parse", "Parse", "Bind", "Bind"], commands);
    }

    [Fact]
    public async Task Flush_WithoutSync_AnswersComeAtOnceAndTheSyncIsAnExchangeOfItsOwn()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        using var client = await PostgresWire.ConnectAsync(proxy.EndPoint);
        var commands = RecordRequests(proxy);

        await client.SendAllAsync(PostgresWire.Extended("select 11", 'H'));
        var answers = await PostgresWire.ReadUntilAsync(client, 'C');
        await client.SendAllAsync(PostgresWire.Message('S', []));
        var ready = await PostgresWire.ReadUntilReadyAsync(client);

        Assert.Equal(['1', '2', 'T', 'D', 'C'], answers.Select(m => m.Type));
        Assert.Equal("11", PostgresWire.FirstValue(answers[3].Body));
        Assert.Equal(['Z'], ready.Select(m => m.Type));
        Assert.Equal(["Parse", "Sync"], commands);
    }

    [Fact]
    public async Task Flush_ErrorInPlaceOfAFlushBatch_IsAnErrorAloneAndTheBatchUpToTheSyncIsSkipped()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        using var client = await PostgresWire.ConnectAsync(proxy.EndPoint);
        proxy.SetBehavior(DelegateBehavior.OnRequests(context => context.Command == "Parse" ? context.ReplyWithErrorAsync() : ValueTask.CompletedTask));

        await client.SendAllAsync(PostgresWire.Extended("select 12", 'H'));
        var error = await PostgresWire.ReadUntilAsync(client, 'E');

        // As a backend after an error: what follows up to the Sync is skipped, the Sync answered.
        await client.SendAllAsync(PostgresWire.Extended("select 13", 'S'));
        var ready = await PostgresWire.ReadUntilReadyAsync(client);
        proxy.ClearBehaviors();
        await client.SendAllAsync(PostgresWire.Query("select 14"));
        var after = await PostgresWire.ReadUntilReadyAsync(client);

        Assert.Equal(['E'], error.Select(m => m.Type));
        Assert.Equal("57P01", PostgresWire.Field(error[0].Body, 'C'));
        Assert.Equal(['Z'], ready.Select(m => m.Type));
        Assert.Equal("14", PostgresWire.FirstValue(after.Single(m => m.Type == 'D').Body));
    }

    [Fact]
    public async Task Cancel_NpgsqlCancelsALongQueryThroughTheProxy_AndTheConnectionGoesOn()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        proxy.SetBehavior(new DelegateBehavior());
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString(proxy.EndPoint));
        await connection.OpenAsync();
        await using var sleep = new NpgsqlCommand("select pg_sleep(30)", connection);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        // Npgsql sends a CancelRequest on a new connection, through the proxy; the backend ends the query.
        var clock = Stopwatch.StartNew();
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleep.ExecuteNonQueryAsync(cancel.Token));

        Assert.Equal("57014", Assert.IsType<PostgresException>(canceled.InnerException).SqlState);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The cancel took {clock.Elapsed}.");
        Assert.Equal(15, await ScalarAsync(connection, "select 15"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HalfClose_ClientFinAfterItsQueries_AnswersArriveThenTheFin(bool framed)
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        using var client = await PostgresWire.ConnectAsync(proxy.EndPoint);
        var exchanges = RecordRequests(proxy, framed);
        byte[] queries = [.. PostgresWire.Query("select pg_sleep(0.1), 21"), .. PostgresWire.Query("select 22")];

        await client.SendAllAsync(queries);
        client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var answers = await client.ReceiveToEndAsync();

        // Two answers, each up to its ReadyForQuery ('Z', length 5, status 'I'), then the end of the stream.
        Assert.Equal(2, Regex.Count(Encoding.Latin1.GetString(answers), "Z\0\0\0\u0005I"));
        Assert.EndsWith("Z\0\0\0\u0005I", Encoding.Latin1.GetString(answers));
        Assert.Contains("22", Encoding.Latin1.GetString(answers));
        Assert.Equal(framed ? 2 : 0, exchanges.Count);
    }

    [Fact]
    public async Task Delay_EightNpgsqlQueries_AreEachDelayedOnce()
    {
        const int Queries = 8;
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString(proxy.EndPoint));
        await connection.OpenAsync();
        proxy.SetBehavior(Exports.Behavior(typeof(DelayOptions).Assembly, "delay"), new DelayOptions { Sleep = 0.2 });

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Queries; i++)
        {
            Assert.Equal(i, await ScalarAsync(connection, $"select {i}"));
        }

        clock.Stop();

        TimingCollection.AssertEachDelayedOnce(clock.Elapsed, Queries, 0.2);
    }

    [Fact]
    public async Task Delay_QueriesWrittenInPieces_AreEachDelayedOnceNotOncePerRead()
    {
        const int Queries = 8;
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        using var client = await PostgresWire.ConnectAsync(proxy.EndPoint);
        proxy.SetBehavior(Exports.Behavior(typeof(DelayOptions).Assembly, "delay"), new DelayOptions { Sleep = 0.2 });

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Queries; i++)
        {
            var query = PostgresWire.Query($"select {i}");
            var third = query.Length / 3;
            await client.SendAllAsync(query.AsMemory(0, third));

            // Traffic shaping, not synchronisation: the pause makes each piece a TCP read of its own.
            await Task.Delay(10);
            await client.SendAllAsync(query.AsMemory(third, third));
            await Task.Delay(10);
            await client.SendAllAsync(query.AsMemory(2 * third));

            var answer = await PostgresWire.ReadUntilReadyAsync(client);
            Assert.Equal(i.ToString(), PostgresWire.FirstValue(answer.Single(m => m.Type == 'D').Body));
        }

        clock.Stop();

        // Three reads per query delayed each would take 4.8 s; the pauses add about 0.16 s.
        TimingCollection.AssertEachDelayedOnce(clock.Elapsed, Queries, 0.2);
    }

    [Fact]
    public async Task Transient_AgitateTwo_PsqlFailsTwiceThenWorks()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint);
        proxy.SetBehavior(Exports.Behavior(typeof(TransientOptions).Assembly, "transient"), new TransientOptions { Agitate = 2 });

        // psql -c sends exactly one Query per run: nothing of its own is counted.
        var first = await PsqlAsync(proxy.EndPoint, "-c", "select 1");
        var second = await PsqlAsync(proxy.EndPoint, "-c", "select 2");
        var third = await PsqlAsync(proxy.EndPoint, "-c", "select 3");

        Assert.NotEqual(0, first.ExitCode);
        Assert.Equal($"ERROR:  {InjectedMessage}\n", first.Errors);
        Assert.NotEqual(0, second.ExitCode);
        Assert.Equal($"ERROR:  {InjectedMessage}\n", second.Errors);
        Assert.Equal(0, third.ExitCode);
        Assert.Equal("3\n", Encoding.UTF8.GetString(third.Output));
    }

    [Fact]
    public async Task Transient_AgitateTwo_NpgsqlFailsTheFirstTwoQueriesThenWorksOnTheSameConnection()
    {
        // Another SQLSTATE than admin_shutdown, after which Npgsql would drop its connection of its own accord.
        var options = new LoopbackProxyOptions { ProtocolOptions = new PostgresOptions { SqlState = "P0001" } };
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint, options);
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString(proxy.EndPoint));

        // Opened first: Npgsql's own startup queries are not among the requests the behavior counts.
        await connection.OpenAsync();
        proxy.SetBehavior(Exports.Behavior(typeof(TransientOptions).Assembly, "transient"), new TransientOptions { Agitate = 2 });

        var first = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, "select 1"));
        var second = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, "select 2"));

        Assert.Equal("P0001", first.SqlState);
        Assert.Equal("P0001", second.SqlState);
        Assert.Equal(3, await ScalarAsync(connection, "select 3"));
        Assert.Equal(4, await ScalarAsync(connection, "select 4"));
    }

    [Fact]
    public async Task Frame_LengthBeyondMaxFrame_ClosesCleanlyAndTheServerServesOthers()
    {
        await using var proxy = await LoopbackProxy.StartAsync(Postgres(), postgres.EndPoint, new LoopbackProxyOptions { ProtocolOptions = new PostgresOptions { MaxFrame = 4096 } });
        using var client = await PostgresWire.ConnectAsync(proxy.EndPoint);
        var header = PostgresWire.Message('Q', []);
        header[1] = 0x10;

        byte[] tooLarge = [.. header, .. new byte[8192]];
        await client.SendAllAsync(tooLarge);

        Assert.True(await client.WaitForCloseAsync(), "A frame too large is a FIN, not a reset.");
        using var other = await PostgresWire.ConnectAsync(proxy.EndPoint);
        await other.SendAllAsync(PostgresWire.Query("select 5"));
        Assert.Equal("5", PostgresWire.FirstValue((await PostgresWire.ReadUntilReadyAsync(other)).Single(m => m.Type == 'D').Body));
    }

    // A behavior that only records each request's command still makes every request an exchange: the framed path.
    // Without framed, the proxy stays in pass-through and nothing is recorded.
    private static ConcurrentQueue<string?> RecordRequests(LoopbackProxy proxy, bool framed = true)
    {
        var commands = new ConcurrentQueue<string?>();
        if (framed)
        {
            proxy.SetBehavior(DelegateBehavior.OnRequests(context => commands.Enqueue(context.Command)));
        }

        return commands;
    }

    private static async Task<int> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is int value ? value : -1;
    }

    // Bulk import, a prepared statement executed several times, and a text export, written down as text.
    private static async Task<string> NpgsqlWorkloadAsync(IPEndPoint endPoint)
    {
        var transcript = new StringBuilder();
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString(endPoint));
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("create temp table items (id int primary key, name text, score double precision)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var import = await connection.BeginBinaryImportAsync("copy items (id, name, score) from stdin (format binary)"))
        {
            for (var i = 0; i < 1000; i++)
            {
                await import.StartRowAsync();
                await import.WriteAsync(i, NpgsqlDbType.Integer);
                await import.WriteAsync($"name-{i}", NpgsqlDbType.Text);
                await import.WriteAsync(i * 0.5, NpgsqlDbType.Double);
            }

            transcript.Append($"imported {await import.CompleteAsync()}\n");
        }

        await using (var select = new NpgsqlCommand("select id, name, score from items where id % $1 = 0 order by id", connection))
        {
            var modulo = new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer };
            select.Parameters.Add(modulo);
            await select.PrepareAsync();
            foreach (var m in new[] { 7, 13, 101, 500, 7 })
            {
                modulo.TypedValue = m;
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    transcript.Append($"{m}: {reader.GetInt32(0)} {reader.GetString(1)} {reader.GetDouble(2)}\n");
                }
            }
        }

        using (var export = await connection.BeginTextExportAsync("copy (select * from items order by id) to stdout"))
        {
            transcript.Append(await export.ReadToEndAsync());
        }

        return transcript.ToString();
    }

    private static Task<(int ExitCode, byte[] Output, string Errors)> PsqlAsync(IPEndPoint endPoint, params string[] arguments) =>
        PsqlWithSslAsync(endPoint, "disable", arguments);

    // psql with PGSSLMODE sslMode: the server offers TLS, and most tests want the protocol in clear.
    private static async Task<(int ExitCode, byte[] Output, string Errors)> PsqlWithSslAsync(IPEndPoint endPoint, string sslMode, params string[] arguments)
    {
        var start = new ProcessStartInfo("psql") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", endPoint.Port.ToString(), "-U", "postgres", "-d", "postgres", "-X", "-A", "-t" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGCONNECT_TIMEOUT"] = "10";
        start.Environment["PGSSLMODE"] = sslMode;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start.");
        using var cts = new CancellationTokenSource(TestTimeouts.Network);
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, cts.Token);
        var errors = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            await copy;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("psql did not finish in time.");
        }

        return (process.ExitCode, output.ToArray(), await errors);
    }
}
