namespace Vaurien.Host.Proxy;

/// <summary>
/// Makes the random source of each connection. Seeded (<c>--seed N</c>), connection N of two runs gets the same
/// sequence whatever the timing of other connections.
/// </summary>
internal interface IRandomFactory
{
    Random Create(long connectionId);
}
