using System.Net.Sockets;
using Vaurien.Host.Configuration;
using Xunit;

namespace Vaurien.Host.Proxy.Tests;

public sealed class ProxyStartExceptionTests
{
    [Theory]
    [InlineData(SocketError.AddressAlreadyInUse, 8000, "Cannot listen on localhost:8000: the address is already in use.")]
    [InlineData(SocketError.AddressNotAvailable, 8000, "Cannot listen on localhost:8000: the address does not belong to this machine.")]
    [InlineData(SocketError.AccessDenied, 80, "Cannot listen on localhost:80: permission denied (ports below 1024 need privileges).")]
    [InlineData(SocketError.AccessDenied, 8000, "Cannot listen on localhost:8000: permission denied.")]
    public void ForBindFailure_KnownError_IsOneSentence(SocketError error, int port, string expected)
    {
        var exception = ProxyStartException.ForBindFailure(new HostPort("localhost", port), new SocketException((int)error));

        Assert.Equal(expected, exception.Message);
        Assert.IsType<SocketException>(exception.InnerException);
    }

    [Fact]
    public void ForUnknownHost_NamesTheHost()
    {
        var exception = ProxyStartException.ForUnknownHost(new HostPort("nohost", 8000));

        Assert.Equal("Cannot listen on nohost:8000: the host name 'nohost' could not be resolved.", exception.Message);
    }
}
