namespace Vaurien.Host.Tests.Support;

public enum FailureMode
{
    Soft,
    HardStop,
}
