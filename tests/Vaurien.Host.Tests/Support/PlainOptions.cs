namespace Vaurien.Host.Tests.Support;

public sealed record PlainOptions : ProtocolOptions;
