using System.Runtime.InteropServices;

namespace LvsLab.PacketIo;

/// <summary>
/// Frames waiting to go out together with one <c>sendmmsg</c> call: fixed slots in native
/// memory, written in place (the engine writes its output straight into <see cref="Next"/>), so
/// batching allocates nothing and copies nothing.
/// </summary>
public sealed unsafe class FrameBatch : IDisposable
{
    private readonly byte* slots;
    private readonly LibC.IoVec* vectors;
    private readonly LibC.MMsgHdr* messages;
    private readonly byte* destination;
    private int disposed;

    /// <summary>Allocates <paramref name="capacity"/> slots of <paramref name="slotSize"/> bytes.</summary>
    /// <param name="capacity">Frames per batch (1 to 1024).</param>
    /// <param name="slotSize">The largest frame (64 to 65536 bytes).</param>
    public FrameBatch(int capacity, int slotSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotSize, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slotSize, 65536);
        Capacity = capacity;
        SlotSize = slotSize;
        slots = (byte*)NativeMemory.AlignedAlloc((nuint)capacity * (nuint)slotSize, 64);
        vectors = (LibC.IoVec*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(LibC.IoVec));
        messages = (LibC.MMsgHdr*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(LibC.MMsgHdr));
        destination = (byte*)NativeMemory.AllocZeroed(16);
        for (var i = 0; i < capacity; i++)
        {
            vectors[i].Base = slots + ((nint)i * slotSize);
            messages[i].Iov = vectors + i;
            messages[i].IovLength = 1;
        }
    }

    /// <summary>The most frames a batch holds.</summary>
    public int Capacity { get; }

    /// <summary>The largest frame a slot holds.</summary>
    public int SlotSize { get; }

    /// <summary>Frames committed and not sent yet.</summary>
    public int Count { get; private set; }

    /// <summary>No slot is free: <see cref="Send(int, out int)"/> before committing more.</summary>
    public bool IsFull => Count == Capacity;

    /// <summary>The next free slot, to write a frame into; <see cref="Commit"/> keeps it.</summary>
    public Span<byte> Next => IsFull ? throw new InvalidOperationException("the batch is full: send it first") : new Span<byte>(slots + ((nint)Count * SlotSize), SlotSize);

    /// <summary>Keeps the first <paramref name="length"/> bytes written into <see cref="Next"/> as a frame.</summary>
    /// <param name="length">The frame's length.</param>
    public void Commit(int length)
    {
        if (IsFull)
        {
            throw new InvalidOperationException("the batch is full: send it first");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, SlotSize);
        vectors[Count].Length = (nuint)length;
        Count++;
    }

    /// <summary>Copies <paramref name="frame"/> into the next slot and commits it.</summary>
    /// <param name="frame">A frame no longer than <see cref="SlotSize"/>.</param>
    public void Add(ReadOnlySpan<byte> frame)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frame.Length, SlotSize);
        frame.CopyTo(Next);
        Commit(frame.Length);
    }

    /// <summary>
    /// Addresses every message to <paramref name="endpoint"/> (for an unconnected datagram
    /// socket; such a socket is not told of ICMP errors, so one unreachable answer does not fail
    /// the next send as it would on a connected socket).
    /// </summary>
    /// <param name="endpoint">An IPv4 address and port.</param>
    public void SetDestination(System.Net.IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{endpoint}: IPv4 only", nameof(endpoint));
        }

        // struct sockaddr_in: family (host order), port and address (network order), zero padding.
        var address = new Span<byte>(destination, 16);
        address.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(address, (ushort)LibC.AfInet);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(address[2..], (ushort)endpoint.Port);
        endpoint.Address.TryWriteBytes(address[4..8], out _);
        for (var i = 0; i < Capacity; i++)
        {
            messages[i].Name = destination;
            messages[i].NameLength = 16;
        }
    }

    /// <summary>Committed frame number <paramref name="index"/>, writable in place.</summary>
    /// <param name="index">0 to <see cref="Count"/> − 1.</param>
    public Span<byte> Frame(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return new Span<byte>(slots + ((nint)index * SlotSize), (int)vectors[index].Length);
    }

    /// <summary>Forgets the committed frames.</summary>
    public void Clear() => Count = 0;

    /// <summary>
    /// Sends every committed frame on the socket <paramref name="descriptor"/> with as few
    /// <c>sendmmsg</c> calls as it takes (the frames stay committed: <see cref="Clear"/> to reuse).
    /// </summary>
    /// <param name="descriptor">A bound packet socket, or a connected datagram socket.</param>
    /// <param name="errno">The error that stopped the batch short, or 0.</param>
    /// <returns>Frames the kernel took; the rest were refused (e.g. ENOBUFS when the driver's queue is full).</returns>
    public int Send(int descriptor, out int errno) => Send(descriptor, Count, out errno);

    /// <summary>Sends the first <paramref name="count"/> committed frames, as <see cref="Send(int, out int)"/> does all of them.</summary>
    /// <param name="descriptor">A bound packet socket, or a connected datagram socket.</param>
    /// <param name="count">How many, from the first (at most <see cref="Count"/>).</param>
    /// <param name="errno">The error that stopped the batch short, or 0.</param>
    /// <returns>Frames the kernel took.</returns>
    public int Send(int descriptor, int count, out int errno)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        errno = 0;
        var position = 0;
        var accepted = 0;
        while (position < count)
        {
            var n = LibC.SendMmsg(descriptor, messages + position, (uint)(count - position), 0);
            if (n > 0)
            {
                position += n;
                accepted += n;
                continue;
            }

            var error = Marshal.GetLastPInvokeError();
            if (n < 0 && error == LibC.EIntr)
            {
                continue;
            }

            // The first frame of the rest was refused (a full driver queue says ENOBUFS or
            // EAGAIN): count it lost and try the others.
            errno = error;
            position++;
        }

        return accepted;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        NativeMemory.AlignedFree(slots);
        NativeMemory.Free(vectors);
        NativeMemory.Free(messages);
        NativeMemory.Free(destination);
    }
}
