namespace Vaurien.Protocols;

/// <summary>
/// The client commands of the MySQL/MariaDB command phase: the name an exchange carries (<c>COM_QUERY</c>...) and the
/// shape of the server's answer, which says where the response ends.
/// </summary>
internal static class MysqlCommands
{
    public const byte Quit = 0x01;
    public const byte Query = 0x03;
    public const byte StmtExecute = 0x17;

    private static readonly (string Name, Response Response)[] Table = Build();

    /// <summary>How the server answers a command.</summary>
    public enum Response
    {
        /// <summary>Not a command this protocol can frame the answer of: the rest of the connection is relayed as it is.</summary>
        Unframed,

        /// <summary>No answer at all (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA).</summary>
        None,

        /// <summary>COM_QUIT: no answer, the server closes; its end of stream is relayed as it comes.</summary>
        Quit,

        /// <summary>One packet: OK, ERR, EOF or a string (COM_STATISTICS).</summary>
        Single,

        /// <summary>OK, ERR, LOCAL INFILE or result sets, repeated while the server has more results.</summary>
        ResultSets,

        /// <summary>COM_STMT_PREPARE: an OK packet with the parameter and column definitions that follow it.</summary>
        Prepare,

        /// <summary>COM_FIELD_LIST: column definitions up to an EOF.</summary>
        FieldList,

        /// <summary>COM_STMT_FETCH: rows up to an EOF.</summary>
        Rows,

        /// <summary>COM_CHANGE_USER: an authentication exchange, as at connect.</summary>
        Authentication,
    }

    /// <summary>The command's name, for the exchange (<c>COM_QUERY</c>), or <c>COM_UNKNOWN</c>.</summary>
    public static string NameOf(int command) => command is >= 0 and < 256 ? Table[command].Name : "COM_UNKNOWN";

    /// <summary>How the server answers <paramref name="command"/>.</summary>
    public static Response ResponseOf(int command) => command is >= 0 and < 256 ? Table[command].Response : Response.Unframed;

    /// <summary>Whether the server speaks next after <paramref name="command"/>: an answer the proxy frames follows.</summary>
    public static bool ServerAnswers(int command) => ResponseOf(command) is not (Response.Unframed or Response.None or Response.Quit);

    private static (string, Response)[] Build()
    {
        var table = new (string, Response)[256];
        table[0x00] = ("COM_SLEEP", Response.Single);
        table[0x01] = ("COM_QUIT", Response.Quit);
        table[0x02] = ("COM_INIT_DB", Response.Single);
        table[0x03] = ("COM_QUERY", Response.ResultSets);
        table[0x04] = ("COM_FIELD_LIST", Response.FieldList);
        table[0x05] = ("COM_CREATE_DB", Response.Single);
        table[0x06] = ("COM_DROP_DB", Response.Single);
        table[0x07] = ("COM_REFRESH", Response.Single);
        table[0x08] = ("COM_SHUTDOWN", Response.Single);
        table[0x09] = ("COM_STATISTICS", Response.Single);
        table[0x0A] = ("COM_PROCESS_INFO", Response.ResultSets);
        table[0x0B] = ("COM_CONNECT", Response.Single);
        table[0x0C] = ("COM_PROCESS_KILL", Response.Single);
        table[0x0D] = ("COM_DEBUG", Response.Single);
        table[0x0E] = ("COM_PING", Response.Single);
        table[0x0F] = ("COM_TIME", Response.Single);
        table[0x10] = ("COM_DELAYED_INSERT", Response.Single);
        table[0x11] = ("COM_CHANGE_USER", Response.Authentication);
        table[0x12] = ("COM_BINLOG_DUMP", Response.Unframed);
        table[0x13] = ("COM_TABLE_DUMP", Response.Single);
        table[0x14] = ("COM_CONNECT_OUT", Response.Single);
        table[0x15] = ("COM_REGISTER_SLAVE", Response.Single);
        table[0x16] = ("COM_STMT_PREPARE", Response.Prepare);
        table[0x17] = ("COM_STMT_EXECUTE", Response.ResultSets);
        table[0x18] = ("COM_STMT_SEND_LONG_DATA", Response.None);
        table[0x19] = ("COM_STMT_CLOSE", Response.None);
        table[0x1A] = ("COM_STMT_RESET", Response.Single);
        table[0x1B] = ("COM_SET_OPTION", Response.Single);
        table[0x1C] = ("COM_STMT_FETCH", Response.Rows);
        table[0x1D] = ("COM_DAEMON", Response.Single);
        table[0x1E] = ("COM_BINLOG_DUMP_GTID", Response.Unframed);
        table[0x1F] = ("COM_RESET_CONNECTION", Response.Single);
        table[0xFA] = ("COM_STMT_BULK_EXECUTE", Response.ResultSets);
        for (var i = 0; i < table.Length; i++)
        {
            table[i].Item1 ??= "COM_UNKNOWN";
        }

        return table;
    }
}
