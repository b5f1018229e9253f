using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vaurien.Host.ControlApi;

/// <summary>
/// The one place that turns a failure into the error body: a refused request is 400 with its errors, a malformed
/// or oversized HTTP request keeps Kestrel's status, an unknown route or method gets the same body shape, and anything
/// unexpected is logged and answered 500, still in that shape.
/// </summary>
internal sealed class ControlErrorWriter(RequestDelegate next, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ControlErrorWriter>();

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (ControlRequestException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, e.Errors);
            return;
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(context, e.StatusCode, [ControlError.InBody("", e.Message)]);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
            return;
        }
        catch (Exception e)
        {
            ControlApiLog.RequestFailed(_logger, context.Request.Method, context.Request.Path.ToString(), e);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, [ControlError.InBody("", $"internal error: {e.GetType().Name}: {e.Message}")]);
            return;
        }

        // Routing answers an unknown route or method with a bare status: give it the error body too.
        var status = context.Response.StatusCode;
        if (!context.Response.HasStarted && status is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)
        {
            var request = $"{context.Request.Method} {context.Request.Path}";
            var description = status == StatusCodes.Status404NotFound
                ? $"no route for {request}: the routes are /behavior, /behaviors and /backend (and the older /handler, /handlers)"
                : $"{request} is not allowed: use GET to read, PUT or POST to change";
            // Not cleared: routing's headers (Allow, on a 405) stay.
            await ControlJson.WriteErrorsAsync(context, status, [new ControlError(ControlError.Url, "", description)]);
        }
    }

    private static Task WriteAsync(HttpContext context, int status, IEnumerable<ControlError> errors)
    {
        if (context.Response.HasStarted)
        {
            // Part of a response is out already: the connection is the only thing left to end.
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.Clear();
        return ControlJson.WriteErrorsAsync(context, status, errors);
    }
}
