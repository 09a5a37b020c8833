// `handler`: the TokenHandler benchmark (bench/run-handler.sh). Other benchmarks dispatch on their own first argument.
if (args is ["handler", ..])
{
    return await Evertoken.Bench.HandlerBench.RunAsync(args[1..]);
}

return 0;
