using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Vaurien.Testing.Network;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

/// <summary>The reading rules of a pipe, kept by the transport's own input, and what it holds while idle.</summary>
public sealed class SocketInputTests : IDisposable
{
    private const int Segment = 4096;
    private const int Pause = 4 * Segment;
    private const int Resume = 2 * Segment;

    private readonly ProxyMemoryPool _pool = new();
    private readonly SocketInput _input;

    public SocketInputTests() => _input = new SocketInput(_pool, Segment, Pause, Resume);

    public void Dispose() => _pool.Dispose();

    [Fact]
    public async Task Read_WaitsForAFlush_ThenGetsTheBytes()
    {
        var read = _input.ReadAsync();
        Assert.False(read.IsCompleted);

        Write("hello"u8);
        Assert.True((await _input.FlushAsync()) is { IsCompleted: false, IsCanceled: false });

        var result = await read.AsTask().WaitAsync(TestTimeouts.Network);
        Assert.Equal("hello"u8.ToArray(), result.Buffer.ToArray());
        Assert.False(result.IsCompleted);
        _input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task AdvanceTo_EverythingExamined_TheNextReadWaits_PartlyExamined_ItDoesNot()
    {
        await WriteAndFlushAsync("abcdef"u8.ToArray());

        var first = await _input.ReadAsync();
        _input.AdvanceTo(first.Buffer.GetPosition(2), first.Buffer.GetPosition(4));
        var second = _input.ReadAsync();
        Assert.True(second.IsCompleted);
        var again = await second;
        Assert.Equal("cdef"u8.ToArray(), again.Buffer.ToArray());

        // Nothing consumed, everything examined: the next read waits for new bytes.
        _input.AdvanceTo(again.Buffer.Start, again.Buffer.End);
        var third = _input.ReadAsync();
        Assert.False(third.IsCompleted);

        await WriteAndFlushAsync("g"u8.ToArray());
        var last = await third.AsTask().WaitAsync(TestTimeouts.Network);
        Assert.Equal("cdefg"u8.ToArray(), last.Buffer.ToArray());
        _input.AdvanceTo(last.Buffer.End);
    }

    [Fact]
    public async Task TryRead_UnreadBytes_AreReturnedEvenWhenExamined()
    {
        Assert.False(_input.TryRead(out _));
        await WriteAndFlushAsync("xy"u8.ToArray());

        Assert.True(_input.TryRead(out var result));
        _input.AdvanceTo(result.Buffer.Start, result.Buffer.End);

        Assert.True(_input.TryRead(out var again));
        Assert.Equal("xy"u8.ToArray(), again.Buffer.ToArray());
        _input.AdvanceTo(again.Buffer.End);
        Assert.False(_input.TryRead(out _));
    }

    [Fact]
    public async Task ManySegments_AreOneSequenceInOrder_AndConsumingAcrossThemFreesThem()
    {
        var data = RandomNumberGenerator.GetBytes(Segment * 3 + 100);
        foreach (var chunk in data.Chunk(1000))
        {
            Write(chunk);
        }

        await _input.FlushAsync();
        var result = await _input.ReadAsync();
        Assert.False(result.Buffer.IsSingleSegment);
        Assert.Equal(data, result.Buffer.ToArray());

        // Consumed into the third segment: the first two go back to the pool.
        var before = _pool.RentedBytes;
        _input.AdvanceTo(result.Buffer.GetPosition(Segment * 2 + 10));
        Assert.True(_pool.RentedBytes < before);

        var rest = await ReadNowAsync();
        Assert.Equal(data[(Segment * 2 + 10)..], rest.Buffer.ToArray());
        _input.AdvanceTo(rest.Buffer.End);
        Assert.Equal(0, _pool.RentedBytes);
    }

    [Fact]
    public async Task EverythingRead_NoBufferIsHeld_NorAfterAWakeUpWithNothingToRead()
    {
        await WriteAndFlushAsync("ping"u8.ToArray());
        var result = await _input.ReadAsync();
        _input.AdvanceTo(result.Buffer.End);
        Assert.Equal(0, _pool.RentedBytes);

        // The receive loop asked for memory, then the socket had nothing.
        _input.GetMemory(1);
        Assert.True(_pool.RentedBytes > 0);
        _input.ReturnUnused();
        Assert.Equal(0, _pool.RentedBytes);
    }

    [Fact]
    public async Task WrittenAlone_OnlyWhileTheReaderWaitsWithNothingElseUnread_AndDroppingItAllHoldsNoBuffer()
    {
        // No reader waiting: what is written must reach it.
        Write("early"u8);
        Assert.True(_input.WrittenAlone().IsEmpty);
        await _input.FlushAsync();
        var first = await _input.ReadAsync();
        _input.AdvanceTo(first.Buffer.End);

        var read = _input.ReadAsync();
        Write("direct"u8);
        Assert.Equal("direct"u8.ToArray(), _input.WrittenAlone().ToArray());

        _input.DropWritten(6);
        Assert.Equal(0, _pool.RentedBytes);
        Assert.False(read.IsCompleted);

        // Something still unread: nothing may overtake it.
        Write("next"u8);
        await _input.FlushAsync();
        var result = await read.AsTask().WaitAsync(TestTimeouts.Network);
        Write("later"u8);
        Assert.True(_input.WrittenAlone().IsEmpty);
        Assert.Equal("next"u8.ToArray(), result.Buffer.ToArray());
        _input.AdvanceTo(result.Buffer.End);
        await _input.FlushAsync();
        var last = await _input.ReadAsync();
        Assert.Equal("later"u8.ToArray(), last.Buffer.ToArray());
        _input.AdvanceTo(last.Buffer.End);
    }

    [Fact]
    public async Task DropWritten_PartOfIt_TheReaderGetsTheRestOnTheNextFlush()
    {
        var read = _input.ReadAsync();
        Write("sent|kept"u8);

        _input.DropWritten(5);
        await _input.FlushAsync();

        var result = await read.AsTask().WaitAsync(TestTimeouts.Network);
        Assert.Equal("kept"u8.ToArray(), result.Buffer.ToArray());
        _input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task Flush_PastThePauseThreshold_WaitsUntilTheReaderBringsItDownToResume()
    {
        Write(new byte[Pause]);
        var flush = _input.FlushAsync();
        Assert.False(flush.IsCompleted);

        var result = await _input.ReadAsync();
        _input.AdvanceTo(result.Buffer.GetPosition(Pause - Resume - 1));
        Assert.False(flush.IsCompleted);

        result = await ReadNowAsync();
        _input.AdvanceTo(result.Buffer.GetPosition(1));
        var flushed = await flush.AsTask().WaitAsync(TestTimeouts.Network);
        Assert.False(flushed.IsCompleted);
        Assert.False(flushed.IsCanceled);
    }

    [Fact]
    public async Task ReaderCompletes_AWaitingFlushEnds_AndTheWritersMemoryGoesBackAtItsNextFlush()
    {
        Write(new byte[Pause]);
        var flush = _input.FlushAsync();

        _input.GetMemory(1);
        _input.Complete();

        Assert.True((await flush.AsTask().WaitAsync(TestTimeouts.Network)).IsCompleted);
        Assert.True(_pool.RentedBytes > 0);
        Assert.True((await _input.FlushAsync()).IsCompleted);
        Assert.Equal(0, _pool.RentedBytes);
    }

    [Fact]
    public async Task CancelPendingFlush_WakesAWaitingFlush_OrCancelsTheNextOneWhoseBytesStillArrive()
    {
        Write(new byte[Pause]);
        var flush = _input.FlushAsync();
        _input.CancelPendingFlush();
        Assert.True((await flush.AsTask().WaitAsync(TestTimeouts.Network)).IsCanceled);

        _input.CancelPendingFlush();
        Write("z"u8);
        Assert.True((await _input.FlushAsync()).IsCanceled);
        var result = await _input.ReadAsync();
        Assert.Equal(Pause + 1, result.Buffer.Length);
        _input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task CancelPendingRead_WakesAWaitingRead_OrCancelsTheNextOne()
    {
        var read = _input.ReadAsync();
        _input.CancelPendingRead();
        var result = await read.AsTask().WaitAsync(TestTimeouts.Network);
        Assert.True(result.IsCanceled);
        Assert.True(result.Buffer.IsEmpty);
        _input.AdvanceTo(result.Buffer.End);

        _input.CancelPendingRead();
        var next = await _input.ReadAsync();
        Assert.True(next.IsCanceled);
        _input.AdvanceTo(next.Buffer.End);

        // The cancellation is used up.
        Assert.False(_input.ReadAsync().IsCompleted);
    }

    [Fact]
    public async Task ReadAsync_TokenCancelled_ThrowsAndTheNextReadStillGetsTheBytes()
    {
        using var cts = new CancellationTokenSource();
        var read = _input.ReadAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.AsTask().WaitAsync(TestTimeouts.Network));

        await WriteAndFlushAsync("after"u8.ToArray());
        var result = await _input.ReadAsync(CancellationToken.None);
        Assert.Equal("after"u8.ToArray(), result.Buffer.ToArray());
        _input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task ReadAsync_TokenNotCancelled_CompletesWithTheBytes()
    {
        using var cts = new CancellationTokenSource();
        var read = _input.ReadAsync(cts.Token);
        await WriteAndFlushAsync("data"u8.ToArray());

        var result = await read.AsTask().WaitAsync(TestTimeouts.Network);
        Assert.Equal("data"u8.ToArray(), result.Buffer.ToArray());
        _input.AdvanceTo(result.Buffer.End);

        // A later cancellation of the token touches nothing.
        await cts.CancelAsync();
        Assert.False(_input.ReadAsync().IsCompleted);
    }

    [Fact]
    public async Task WriterCompletes_TheReaderGetsWhatIsLeftWithTheEnd_EvenUnflushed()
    {
        var read = _input.ReadAsync();
        Write("last"u8);
        _input.CompleteWriting();

        var result = await read.AsTask().WaitAsync(TestTimeouts.Network);
        Assert.True(result.IsCompleted);
        Assert.Equal("last"u8.ToArray(), result.Buffer.ToArray());
        _input.AdvanceTo(result.Buffer.End);

        var end = await _input.ReadAsync();
        Assert.True(end.IsCompleted);
        Assert.True(end.Buffer.IsEmpty);
        _input.AdvanceTo(end.Buffer.End);
        _input.Complete();
        Assert.Equal(0, _pool.RentedBytes);
    }

    [Fact]
    public async Task WriterCompletesWithAnError_AWaitingReadThrowsIt()
    {
        var read = _input.ReadAsync();
        _input.CompleteWriting(new IOException("reset"));

        var error = await Assert.ThrowsAsync<IOException>(() => read.AsTask().WaitAsync(TestTimeouts.Network));
        Assert.Equal("reset", error.Message);
        Assert.Throws<IOException>(() => _input.TryRead(out _));
    }

    [Fact]
    public async Task Misuse_IsRefusedWithAClearError()
    {
        Assert.Throws<InvalidOperationException>(() => _input.AdvanceTo(default));

        await WriteAndFlushAsync("ab"u8.ToArray());
        var result = await _input.ReadAsync();
        Assert.Throws<InvalidOperationException>(() => _input.TryRead(out _));
        Assert.Throws<InvalidOperationException>(() => _input.ReadAsync());

        Assert.Throws<ArgumentOutOfRangeException>(() => _input.AdvanceTo(result.Buffer.End, result.Buffer.Start));

        result = await _input.ReadAsync();
        Assert.Throws<ArgumentOutOfRangeException>(() => _input.Advance(1 << 20));
        _input.AdvanceTo(result.Buffer.End);
        _input.Complete();
        Assert.Throws<InvalidOperationException>(() => _input.TryRead(out _));
    }

    [Fact]
    public async Task WriterAndReaderOnTwoThreads_EightMebibytes_ArriveByteExact()
    {
        var data = RandomNumberGenerator.GetBytes(8 << 20);
        var writer = Task.Run(async () =>
        {
            var random = new Random(1);
            var sent = 0;
            while (sent < data.Length)
            {
                var memory = _input.GetMemory(2048);
                var size = Math.Min(Math.Min(memory.Length, random.Next(1, 20000)), data.Length - sent);
                data.AsSpan(sent, size).CopyTo(memory.Span);
                _input.Advance(size);
                sent += size;
                await _input.FlushAsync();
            }

            _input.CompleteWriting();
        });

        var received = new MemoryStream();
        var picker = new Random(2);
        var deadline = DateTime.UtcNow + TestTimeouts.Network;
        while (DateTime.UtcNow < deadline)
        {
            var result = await _input.ReadAsync().AsTask().WaitAsync(TestTimeouts.Network);

            // Consume a random part. What is left is read again: at once while it holds the writer back (more than the
            // resume threshold), with what follows otherwise.
            var take = result.IsCompleted ? result.Buffer.Length : picker.NextInt64(0, result.Buffer.Length + 1);
            foreach (var memory in result.Buffer.Slice(0, take))
            {
                received.Write(memory.Span);
            }

            var consumed = result.Buffer.GetPosition(take);
            _input.AdvanceTo(consumed, result.Buffer.Length - take > Resume ? consumed : result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await writer.WaitAsync(TestTimeouts.Network);
        _input.Complete();
        Assert.True(data.AsSpan().SequenceEqual(received.ToArray()), "The bytes read differ from the bytes written.");
        Assert.Equal(0, _pool.RentedBytes);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var memory = _input.GetMemory(1);
            var size = Math.Min(memory.Length, bytes.Length);
            bytes[..size].CopyTo(memory.Span);
            _input.Advance(size);
            bytes = bytes[size..];
        }
    }

    private async Task WriteAndFlushAsync(byte[] bytes)
    {
        Write(bytes);
        await _input.FlushAsync();
    }

    private async Task<ReadResult> ReadNowAsync()
    {
        var read = _input.ReadAsync();
        Assert.True(read.IsCompleted, "The read should not wait.");
        return await read;
    }
}
