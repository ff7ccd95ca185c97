using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using LvsLab.Benchmarks;

// All BenchmarkDotNet arguments pass through (--filter, --list, --job, ...). `--quick` is ours:
// a short job (1 launch, 3 warm-up and 3 measured iterations) so that a full run takes a minute
// or two; without it BenchmarkDotNet picks the iteration counts itself. `--memory` is ours too:
// it only measures the connection table's memory per connection (ConnectionTableMemory).
const string QuickFlag = "--quick";
if (Array.IndexOf(args, "--stall") >= 0)
{
    return LvsLab.Benchmarks.Stall.StallBench.Run(args);
}

if (Array.IndexOf(args, "--memory") >= 0)
{
    ConnectionTableMemory.Run();
    return 0;
}

bool quick = Array.IndexOf(args, QuickFlag) >= 0;
string[] benchmarkArgs = Array.FindAll(args, arg => arg != QuickFlag);
IConfig? config = quick ? DefaultConfig.Instance.AddJob(Job.ShortRun) : null;
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(benchmarkArgs, config);
return 0;
