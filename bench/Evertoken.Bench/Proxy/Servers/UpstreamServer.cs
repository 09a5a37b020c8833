using Microsoft.AspNetCore.Builder;

namespace Evertoken.Bench.Proxy.Servers;

/// <summary>
/// A minimal "Graph-like" upstream: a fixed phone-number JSON for any path, debug_token's answer for
/// <c>/debug_token</c> (Evertoken checks the token at start), and under <c>/plain/</c> a JSON like Evertoken's
/// token-value answer (the baseline for token reads). Usage headers as Graph sends them.
/// </summary>
internal static class UpstreamServer
{
    public static Task<int> RunAsync()
    {
        var app = ServeLoop.SlimBuilder().Build();
        var tokenValue = BenchData.TokenValueJson(BenchData.NewToken());
        app.Run(context =>
        {
            var path = context.Request.Path.Value ?? "/";
            var body = path.EndsWith("/debug_token", StringComparison.Ordinal) ? BenchData.DebugToken
                : path.StartsWith("/plain/", StringComparison.Ordinal) ? tokenValue
                : BenchData.PhoneNumber;
            var response = context.Response;
            response.ContentType = "application/json; charset=UTF-8";
            response.Headers["x-fb-trace-id"] = "BenchTraceId0001";
            response.Headers["x-app-usage"] = """{"call_count":1,"total_cputime":1,"total_time":1}""";
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body).AsTask();
        });
        return ServeLoop.RunAsync(app);
    }
}
