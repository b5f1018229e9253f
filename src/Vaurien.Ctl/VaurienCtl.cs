using Vaurien.Client;

namespace Vaurien.Ctl;

/// <summary>
/// The <c>vaurienctl</c> command, Vaurien's: <c>list-behaviors</c>, <c>get-behavior</c>,
/// <c>set-behavior NAME [--option key=value ...]</c>, <c>get-backend</c>, <c>set-backend HOST:PORT</c>, against the control
/// API at <c>--host</c> (default <c>http://localhost:8080</c>). Vaurien's older <c>*-handler(s)</c> commands are
/// accepted too. Every request goes through <see cref="VaurienClient"/>.
/// </summary>
internal sealed class VaurienCtl(TextWriter output, TextWriter error)
{
    public const string Usage = """
        usage: vaurienctl [--host URL] COMMAND [ARGUMENTS]

        Drives a running vaurien proxy through its HTTP control API (start it with vaurien --http).

        commands:
          list-behaviors                              the behaviors the proxy has loaded
          get-behavior                                the current behavior
          set-behavior NAME [--option KEY=VALUE ...]  sets the behavior, with its options (e.g. --option sleep=2)
          get-backend                                 the backend new connections go to
          set-backend HOST:PORT                       sends new connections to another backend
          (list-handlers, get-handler and set-handler are the older names)

        options:
          --host URL          the control API, default http://localhost:8080
          -o, --option K=V    a behavior option, for set-behavior (repeatable)
          -h, --help          this help
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var host = VaurienClient.DefaultAddress.ToString();
        var options = new Dictionary<string, object?>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (flag, inline) = SplitFlag(arg);
            switch (flag)
            {
                case "-h" or "--help":
                    output.Write(Usage);
                    return CtlExitCodes.Success;
                case "--host":
                    if (!TryValue(args, ref i, inline, out var hostValue))
                    {
                        return UsageError("--host needs a URL, e.g. --host http://localhost:8080");
                    }

                    host = hostValue;
                    break;
                case "-o" or "--option":
                    if (!TryValue(args, ref i, inline, out var option) || option.IndexOf('=') is <= 0)
                    {
                        return UsageError("--option needs KEY=VALUE, e.g. --option sleep=2");
                    }

                    var equals = option.IndexOf('=');
                    // Sent as text: the proxy converts it by the option's declared type, as it does command-line flags.
                    options[option[..equals].Trim()] = option[(equals + 1)..];
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        return UsageError($"unknown option '{arg}'");
                    }

                    positional.Add(arg);
                    break;
            }
        }

        if (positional.Count == 0)
        {
            return UsageError("a command is needed");
        }

        if (!TryParseHost(host, out var address))
        {
            return UsageError($"'{host}' is not an http:// address of the control API, e.g. http://localhost:8080");
        }

        var command = positional[0];
        var arguments = positional.Skip(1).ToList();
        var expected = command switch
        {
            "set-behavior" or "set-handler" or "set-backend" => 1,
            "list-behaviors" or "list-handlers" or "get-behavior" or "get-handler" or "get-backend" => 0,
            _ => -1,
        };
        if (expected < 0)
        {
            return UsageError($"unknown command '{command}'");
        }

        if (arguments.Count != expected)
        {
            return UsageError(expected == 0 ? $"{command} takes no argument" : $"{command} needs one argument: {(command == "set-backend" ? "HOST:PORT" : "NAME")}");
        }

        if (options.Count > 0 && command is not ("set-behavior" or "set-handler"))
        {
            return UsageError("--option is for set-behavior only");
        }

        using var client = new VaurienClient(address);
        try
        {
            switch (command)
            {
                case "list-behaviors" or "list-handlers":
                    output.WriteLine(string.Join(", ", await client.ListBehaviorsAsync(cancellationToken)));
                    break;
                case "get-behavior" or "get-handler":
                    output.WriteLine(await client.GetBehaviorAsync(cancellationToken));
                    break;
                case "set-behavior" or "set-handler":
                    await client.SetBehaviorAsync(arguments[0], options, cancellationToken);
                    output.WriteLine($"Behavior changed to \"{arguments[0]}\"");
                    break;
                case "get-backend":
                    output.WriteLine(await client.GetBackendAsync(cancellationToken));
                    break;
                case "set-backend":
                    await client.SetBackendAsync(arguments[0], cancellationToken);
                    output.WriteLine($"Backend changed to \"{arguments[0]}\"");
                    break;
            }
        }
        catch (UnknownBehaviorException e)
        {
            error.WriteLine($"vaurienctl: {e.Message}");
            await WriteValidBehaviorsAsync(client, cancellationToken);
            return CtlExitCodes.RequestFailed;
        }
        catch (VaurienException e)
        {
            error.WriteLine($"vaurienctl: {e.Message}");
            return CtlExitCodes.RequestFailed;
        }

        return CtlExitCodes.Success;
    }

    private static (string Flag, string? Inline) SplitFlag(string arg)
    {
        var equals = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    private static bool TryValue(IReadOnlyList<string> args, ref int i, string? inline, out string value)
    {
        if (inline is not null)
        {
            value = inline;
            return value.Length > 0;
        }

        if (i + 1 < args.Count)
        {
            value = args[++i];
            return true;
        }

        value = "";
        return false;
    }

    private static bool TryParseHost(string host, out Uri address)
    {
        // Vaurien took a bare host too: "localhost:8080" means http://localhost:8080.
        var text = host.Contains("://", StringComparison.Ordinal) ? host : "http://" + host;
        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            address = parsed;
            return true;
        }

        address = VaurienClient.DefaultAddress;
        return false;
    }

    private async Task WriteValidBehaviorsAsync(VaurienClient client, CancellationToken cancellationToken)
    {
        try
        {
            var names = await client.ListBehaviorsAsync(cancellationToken);
            error.WriteLine($"The request failed. Please use one of {string.Join(", ", names)}");
        }
        catch (VaurienException)
        {
            error.WriteLine("The request failed.");
        }
    }

    private int UsageError(string message)
    {
        error.WriteLine($"vaurienctl: {message}");
        error.WriteLine("Run 'vaurienctl --help' for the commands.");
        return CtlExitCodes.UsageError;
    }
}
