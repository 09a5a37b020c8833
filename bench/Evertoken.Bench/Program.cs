// Each benchmark dispatches on its first argument; every bench/run-*.sh script names its own.
return args switch
{
    ["store", ..] => await Evertoken.Bench.StoreBench.RunAsync(args[1..]),      // bench/run-postgres.sh
    ["handler", ..] => await Evertoken.Bench.HandlerBench.RunAsync(args[1..]),  // bench/run-handler.sh
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Evertoken.Bench <store|handler> [options]  (see bench/run-*.sh)");
    return 1;
}
