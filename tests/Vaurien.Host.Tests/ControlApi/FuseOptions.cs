namespace Vaurien.Host.ControlApi.Tests;

/// <summary>Options whose setter throws for any value but 0: a way to make the API fail unexpectedly.</summary>
public sealed class FuseOptions
{
    private int _fuse;

    [Option("Blows (throws) when set to anything but 0.")]
    public int Fuse
    {
        get => _fuse;
        set => _fuse = value == 0 ? 0 : throw new InvalidOperationException("the fuse blew");
    }
}
