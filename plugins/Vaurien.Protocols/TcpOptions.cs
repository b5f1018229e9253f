namespace Vaurien.Protocols;

/// <summary>
/// The options of the <c>tcp</c> protocol: Vaurien's common ones (<c>buffer</c>, <c>keep_alive</c>,
/// <c>reuse_socket</c>) and nothing more.
/// </summary>
public sealed record TcpOptions : ProtocolOptions;
