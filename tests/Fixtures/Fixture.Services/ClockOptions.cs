using Vaurien;

namespace Fixture.Services;

public sealed class ClockOptions
{
    [Option("Ticks to wait, in milliseconds.", Min = 0)]
    public int Ticks { get; set; } = 5;
}
