// Usage: HttpBackend PORT. Listens on 127.0.0.1:PORT; GET / answers 13 bytes, GET /4k answers 4096 bytes.
var port = args.Length == 1 && int.TryParse(args[0], out var p) ? p : throw new ArgumentException("usage: HttpBackend PORT");
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
var app = builder.Build();
var hello = "Hello, world!"u8.ToArray();
var page = new byte[4096];
Array.Fill(page, (byte)'x');
app.MapGet("/", () => Results.Bytes(hello, "text/plain"));
app.MapGet("/4k", () => Results.Bytes(page, "text/plain"));
app.Run();
