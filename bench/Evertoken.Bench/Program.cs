// Dispatch by the first argument; each bench owns its entry point.
if (args.Length > 0 && args[0] == "webhooks")
{
    return await Evertoken.Bench.WebhookBench.RunAsync(args[1..]);
}

return 0;
