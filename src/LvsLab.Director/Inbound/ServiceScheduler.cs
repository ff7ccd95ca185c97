using LvsLab.Director.Connections;
using LvsLab.Director.Scheduling;
using LvsLab.Packets;

namespace LvsLab.Director.Inbound;

/// <summary>
/// Chooses the real server of a new connection: the persistence template's for a persistent
/// service (<c>-p</c>, per client network under <c>-M</c>) while it lives and its server may
/// take connections, else the scheduler's choice (which a persistent service then records in
/// a template).
/// </summary>
internal sealed class ServiceScheduler(EngineContext context)
{
    private int _faultTurn;

    /// <summary>The chosen real server's index, or -1 when no server can be chosen.</summary>
    public int Schedule(ServiceRuntime service, IpAddress client, in Transport transport, IpAddress vip, long now, out PersistenceKey? persistence)
    {
        persistence = null;
        DirectorFaults faults = context.Faults;
        if ((faults & DirectorFaults.NoAffinity) != 0)
        {
            return NextInTurn(service);
        }

        ConnectionTable connections = context.Connections;
        PersistenceKey templateKey = default;
        if (service.PersistenceMilliseconds > 0)
        {
            templateKey = new PersistenceKey(service.Index, client.And(service.PersistenceMask));
            if (connections.TryGetTemplate(templateKey, now, out PersistenceTemplate template))
            {
                if (IsUsableTemplate(service, template.RealServerIndex))
                {
                    connections.SetTemplate(templateKey, template.RealServerIndex, now, service.PersistenceMilliseconds);
                    persistence = templateKey;
                    return template.RealServerIndex;
                }

                connections.RemoveTemplate(templateKey);
            }
        }

        var schedulingContext = new SchedulingContext(
            connections.ActiveCounts(service.Index),
            connections.InactiveCounts(service.Index),
            client,
            transport.SourcePort,
            vip,
            transport.DestinationPort);
        int chosen = (faults & DirectorFaults.FirstServer) != 0 ? FirstAvailable(service) : service.Scheduler.Select(service.Servers, schedulingContext);
        if (chosen >= 0 && service.PersistenceMilliseconds > 0)
        {
            connections.SetTemplate(templateKey, chosen, now, service.PersistenceMilliseconds);
            persistence = templateKey;
        }

        return chosen;
    }

    // As IPVS's ip_vs_check_template: a template keeps its clients on a drained (weight 0)
    // server unless the expire_quiescent_template option says otherwise.
    private bool IsUsableTemplate(ServiceRuntime service, int realServerIndex) =>
        (uint)realServerIndex < (uint)service.Servers.Length
        && !(context.Options.ExpireQuiescentTemplate && service.Servers[realServerIndex].Weight == 0);

    // The NoAffinity fault: the next real server with a weight, in turn, whatever the scheduler
    // and persistence say.
    private int NextInTurn(ServiceRuntime service)
    {
        for (int tried = 0; tried < service.Servers.Length; tried++)
        {
            int i = (int)((uint)_faultTurn++ % (uint)service.Servers.Length);
            if (service.Servers[i].Weight > 0)
            {
                return i;
            }
        }

        return -1;
    }

    // The FirstServer fault: the first real server with a weight, whatever the scheduler says.
    private static int FirstAvailable(ServiceRuntime service)
    {
        for (int i = 0; i < service.Servers.Length; i++)
        {
            if (service.Servers[i].Weight > 0)
            {
                return i;
            }
        }

        return -1;
    }
}
