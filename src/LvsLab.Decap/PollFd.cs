using System.Runtime.InteropServices;

namespace LvsLab.Decap;

/// <summary>struct pollfd of poll(2): a descriptor, the events asked for, the events that happened.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    /// <summary>The file descriptor (a negative one is ignored by the kernel).</summary>
    public int Descriptor;

    /// <summary>The events asked for (<see cref="LibC.PollIn"/>).</summary>
    public short Events;

    /// <summary>The events that happened, written by the kernel (POLLERR, POLLHUP and POLLNVAL even when not asked for).</summary>
    public short ReturnedEvents;
}
