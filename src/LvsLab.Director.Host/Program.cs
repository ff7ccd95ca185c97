using System.Runtime.InteropServices;
using LvsLab.Director;
using LvsLab.Director.Control;
using LvsLab.Director.Host;
using LvsLab.Director.Rules;

DirectorArguments arguments;
try
{
    arguments = DirectorArguments.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"lvs-director: {e.Message}\n{DirectorArguments.Usage}");
    return 2;
}

if (arguments.Command == "restore")
{
    string batch;
    try
    {
        batch = await File.ReadAllTextAsync(arguments.RulesPath!);
    }
    catch (IOException e)
    {
        await Console.Error.WriteLineAsync($"lvs-director: cannot read rules '{arguments.RulesPath}': {e.Message}");
        return 2;
    }

    return await ControlClient.RunAsync(arguments.ControlSocket, "ipvsadm-batch\n" + (arguments.Replace ? "-C\n" : string.Empty) + batch);
}

if (arguments.Command is "stats" or "list" or "connections" or "edit" or "ipvsadm")
{
    var request = arguments.Command switch
    {
        "stats" => arguments.Json ? "stats-json" : "stats",
        "list" => "list",
        "edit" => $"edit {arguments.Service} {arguments.RealServer} {arguments.Weight}",
        "ipvsadm" => "ipvsadm " + string.Join(' ', arguments.IpvsadmArguments),
        _ => "connections",
    };
    return await ControlClient.RunAsync(arguments.ControlSocket, request);
}

// Rules first: a file with an error stops the director before it touches the network, so it
// never runs half-configured.
RuleSet rules;
try
{
    rules = IpvsRuleParser.Parse(await File.ReadAllTextAsync(arguments.RulesPath!), arguments.RulesPath!);
}
catch (RuleParseException e)
{
    await Console.Error.WriteLineAsync($"lvs-director: {e.Message}");
    return 2;
}
catch (IOException e)
{
    await Console.Error.WriteLineAsync($"lvs-director: cannot read rules '{arguments.RulesPath}': {e.Message}");
    return 2;
}

FirewallMarkRules? marks = null;
if (arguments.MarksPath is { } marksPath)
{
    try
    {
        marks = FirewallMarkRules.Parse(await File.ReadAllTextAsync(marksPath), marksPath);
    }
    catch (RuleParseException e)
    {
        await Console.Error.WriteLineAsync($"lvs-director: {e.Message}");
        return 2;
    }
    catch (IOException e)
    {
        await Console.Error.WriteLineAsync($"lvs-director: cannot read marks '{marksPath}': {e.Message}");
        return 2;
    }
}

// Valid ipvsadm syntax the director cannot honour yet is refused as well: never half-configured.
var unsupported = RuleSupport.Unsupported(rules, marks);
if (unsupported.Count > 0)
{
    foreach (var reason in unsupported)
    {
        await Console.Error.WriteLineAsync($"lvs-director: {arguments.RulesPath}: {reason}");
    }

    return 2;
}

if (rules.Services.Count == 0)
{
    await Console.Error.WriteLineAsync($"lvs-director: {arguments.RulesPath}: no virtual service defined (add an -A line): refusing to start with nothing to serve");
    return 2;
}

if (arguments.Command == "check")
{
    Console.WriteLine($"lvs-director: {arguments.RulesPath}: {rules.Services.Count} service(s), {rules.Services.Sum(s => s.RealServers.Count)} real server(s), ok");
    return 0;
}

using var stop = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
HealthSettings health;
try
{
    health = HealthSettings.FromEnvironment();
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"lvs-director: {e.Message}");
    return 2;
}

var live = new LiveConfiguration(rules, health.OnFailure, health.SorryServer, marks);
try
{
    using var director = await LiveDirector.OpenAsync(
        arguments.Interfaces, arguments.Io, arguments.SpinMicroseconds, arguments.CoalesceMicroseconds, arguments.Workers, live, marks ?? FirewallMarkRules.Empty, health.ExpireQuiescentTemplate, arguments.SloppyTcp, arguments.ConnectionCapacity, arguments.ConnectionEviction, arguments.Faults, arguments.FloatingAddresses, Console.Out, stop.Token);
    if (arguments.Vrrp is { } vrrp)
    {
        director.UseVrrp(vrrp, arguments.Sync, TimeSpan.FromMilliseconds(arguments.SyncPeriodMilliseconds));
    }

    await using var control = ControlServer.Start(arguments.ControlSocket, director);
    await using var checks = HealthChecker.Start(director, health, Console.Out);
    await director.RunAsync(stop.Token);
    return 0;
}
catch (DirectorStartException e)
{
    await Console.Error.WriteLineAsync($"lvs-director: {e.Message}");
    return 1;
}
