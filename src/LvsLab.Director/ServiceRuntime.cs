using LvsLab.Director.Rules;
using LvsLab.Director.Scheduling;

namespace LvsLab.Director;

/// <summary>A virtual service with its scheduler, as the engine uses it.</summary>
internal sealed class ServiceRuntime
{
    public ServiceRuntime(int index, VirtualService service)
    {
        Index = index;
        Service = service;
        Scheduler = SchedulerFactory.Create(service.Scheduler);
        Scheduler.Reset(service.RealServers);
    }

    public int Index { get; }

    public VirtualService Service { get; }

    public IScheduler Scheduler { get; }
}
