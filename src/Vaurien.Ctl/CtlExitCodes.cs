namespace Vaurien.Ctl;

/// <summary>vaurienctl's exit codes.</summary>
internal static class CtlExitCodes
{
    /// <summary>The command was done.</summary>
    public const int Success = 0;

    /// <summary>The control API refused the request or could not be reached.</summary>
    public const int RequestFailed = 1;

    /// <summary>The command line is wrong: nothing was sent.</summary>
    public const int UsageError = 2;
}
