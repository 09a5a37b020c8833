// Each benchmark dispatches on its first argument; every bench/run-*.sh script names its own.
return args switch
{
    ["proxy", ..] => await Evertoken.Bench.Proxy.ProxyBench.MainAsync(args[1..]),  // bench/run-proxy.sh
    ["webhooks", ..] => await Evertoken.Bench.WebhookBench.RunAsync(args[1..]),    // bench/run-webhooks.sh
    ["store", ..] => await Evertoken.Bench.StoreBench.RunAsync(args[1..]),          // bench/run-postgres.sh
    ["handler", ..] => await Evertoken.Bench.HandlerBench.RunAsync(args[1..]),      // bench/run-handler.sh
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Evertoken.Bench <proxy|webhooks|store|handler> [options]  (see bench/run-*.sh)");
    return 1;
}
