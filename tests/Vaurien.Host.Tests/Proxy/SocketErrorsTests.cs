using System.Net.Sockets;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

public sealed class SocketErrorsTests
{
    [Theory]
    [InlineData(SocketError.ConnectionReset, nameof(TransportEnd.Reset))]
    [InlineData(SocketError.Shutdown, nameof(TransportEnd.Reset))]
    [InlineData(SocketError.NotConnected, nameof(TransportEnd.Reset))]
    [InlineData(SocketError.OperationAborted, nameof(TransportEnd.Aborted))]
    [InlineData(SocketError.Interrupted, nameof(TransportEnd.Aborted))]
    [InlineData(SocketError.AccessDenied, nameof(TransportEnd.Failed))]
    [InlineData(SocketError.NoBufferSpaceAvailable, nameof(TransportEnd.Failed))]
    public void Classify_SocketError_IsExpectedOrNot(SocketError error, string expected)
    {
        Assert.Equal(Enum.Parse<TransportEnd>(expected), SocketErrors.Classify(new SocketException((int)error)));
    }

    [Fact]
    public void Classify_DisposedOrCanceled_IsAnAbort()
    {
        Assert.Equal(TransportEnd.Aborted, SocketErrors.Classify(new ObjectDisposedException("socket")));
        Assert.Equal(TransportEnd.Aborted, SocketErrors.Classify(new OperationCanceledException()));
    }

    [Fact]
    public void Classify_WrappedInIOException_LooksInside()
    {
        Assert.Equal(TransportEnd.Reset, SocketErrors.Classify(new IOException("x", new SocketException((int)SocketError.ConnectionReset))));
    }

    [Fact]
    public void Classify_AnythingElse_IsUnexpected()
    {
        Assert.Equal(TransportEnd.Failed, SocketErrors.Classify(new InvalidOperationException()));
    }
}
