namespace Vaurien.Client;

/// <summary>What <see cref="VaurienClient.WithBehaviorAsync"/> returns: disposing it sets the behavior read before.</summary>
internal sealed class BehaviorScope(VaurienClient client, string previous) : IAsyncDisposable
{
    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await client.SetBehaviorAsync(previous).ConfigureAwait(false);
        }
    }
}
