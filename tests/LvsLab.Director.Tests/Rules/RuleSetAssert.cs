using LvsLab.Director.Rules;
using Xunit;

namespace LvsLab.Director.Tests.Rules;

/// <summary>Structural equality of rule sets (VirtualService has reference equality).</summary>
internal static class RuleSetAssert
{
    public static void Equal(RuleSet expected, RuleSet actual)
    {
        Assert.Equal(expected.Services.Count, actual.Services.Count);
        for (int i = 0; i < expected.Services.Count; i++)
        {
            VirtualService e = expected.Services[i];
            VirtualService a = actual.Services[i];
            Assert.Equal(e.FirewallMark, a.FirewallMark);
            Assert.Equal(e.Protocol, a.Protocol);
            Assert.Equal(e.Address, a.Address);
            Assert.Equal(e.Port, a.Port);
            Assert.Equal(e.Scheduler, a.Scheduler);
            Assert.Equal(e.PersistenceTimeout, a.PersistenceTimeout);
            Assert.Equal(e.PersistenceNetmask, a.PersistenceNetmask);
            Assert.Equal(e.OnePacket, a.OnePacket);
            Assert.Equal(e.SchedulerFlags, a.SchedulerFlags);
            Assert.Equal(e.RealServers, a.RealServers);
        }
    }
}
