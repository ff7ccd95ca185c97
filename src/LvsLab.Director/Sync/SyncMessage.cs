using System.Buffers.Binary;
using System.Text;
using LvsLab.Packets;

namespace LvsLab.Director.Sync;

/// <summary>
/// A view over a received version 1 IPVS synchronisation message (layout in
/// <see cref="SyncWire"/>). <see cref="TryRead"/> checks the whole datagram once, as the
/// kernel's backup does (<c>ip_vs_process_message</c>), and refuses it whole with a
/// <see cref="SyncMessageError"/>; the entries are then enumerated with <c>foreach</c> over a
/// ref struct enumerator that allocates nothing (an entry's persistence-engine data, which
/// only the SIP engine sends, is the one thing copied out).
/// </summary>
/// <remarks>
/// <para>
/// As the kernel, a valid message can still carry entries that a backup passes over one by one:
/// an IPv6 entry (this codec reads IPv4 only, as a kernel built without IPv6 does), and an entry
/// with an option that is unknown and not marked optional (<see cref="SyncWire.OptionOptionalFlag"/>).
/// The enumerator skips those; <see cref="SkippedCount"/> says how many. Unknown optional options
/// are skipped inside their entry. Bytes after the last entry the count promises are ignored, as
/// the kernel ignores them. Whether an entry's protocol and state make sense is not the codec's
/// concern (see <see cref="SyncConnectionMapping"/>).
/// </para>
/// <para>
/// Not checked here: the sync id. A backup configured with a non-zero id ignores messages with
/// another (<see cref="IsFor"/>).
/// </para>
/// </remarks>
public readonly ref struct SyncMessage
{
    private readonly ReadOnlySpan<byte> _datagram;

    private SyncMessage(ReadOnlySpan<byte> datagram, int skippedCount)
    {
        _datagram = datagram;
        SkippedCount = skippedCount;
    }

    /// <summary>The sender's sync id (<c>syncid</c>).</summary>
    public byte SyncId => _datagram.IsEmpty ? (byte)0 : _datagram[SyncWire.SyncIdOffset];

    /// <summary>The entries on the wire (<c>nr_conns</c>), skipped ones included.</summary>
    public int EntryCount => _datagram.IsEmpty ? 0 : _datagram[SyncWire.CountOffset];

    /// <summary>The entries the enumerator passes over (IPv6, or with an unknown mandatory option).</summary>
    public int SkippedCount { get; }

    /// <summary>The datagram's length (the header's size).</summary>
    public int Length => _datagram.Length;

    /// <summary>
    /// Reads and checks a datagram. Never throws; allocates nothing.
    /// </summary>
    /// <param name="datagram">The UDP payload.</param>
    /// <param name="message">The view when the result is true.</param>
    /// <param name="error">Why not, when the result is false.</param>
    /// <returns>True when the message is usable.</returns>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out SyncMessage message, out SyncMessageError error)
    {
        error = Validate(datagram, out int skipped);
        message = error == SyncMessageError.None ? new SyncMessage(datagram, skipped) : default;
        return error == SyncMessageError.None;
    }

    /// <summary>
    /// True when a backup configured with <paramref name="backupSyncId"/> takes this message: any
    /// message when its id is 0, otherwise only messages with the same id.
    /// </summary>
    /// <param name="backupSyncId">The backup's sync id.</param>
    /// <returns>True when the message is for it.</returns>
    public bool IsFor(byte backupSyncId) => backupSyncId == 0 || backupSyncId == SyncId;

    /// <summary>The entries, in message order, skipping those <see cref="SkippedCount"/> counts.</summary>
    /// <returns>An enumerator that allocates nothing.</returns>
    public Enumerator GetEnumerator() => new(_datagram);

    private static SyncMessageError Validate(ReadOnlySpan<byte> datagram, out int skipped)
    {
        skipped = 0;
        if (datagram.Length < SyncWire.Version0HeaderLength)
        {
            return SyncMessageError.TruncatedHeader;
        }

        // Both versions keep the size at the same place; the kernel checks it first.
        if (BinaryPrimitives.ReadUInt16BigEndian(datagram[SyncWire.SizeOffset..]) != datagram.Length)
        {
            return SyncMessageError.SizeMismatch;
        }

        if (datagram[SyncWire.ReservedOffset] != 0)
        {
            return SyncMessageError.Version0;
        }

        if (datagram.Length < SyncWire.HeaderLength)
        {
            return SyncMessageError.TruncatedHeader;
        }

        if (datagram[SyncWire.VersionOffset] != SyncWire.ProtocolVersion
            || BinaryPrimitives.ReadUInt16BigEndian(datagram[SyncWire.SpareOffset..]) != 0)
        {
            return SyncMessageError.UnsupportedVersion;
        }

        int count = datagram[SyncWire.CountOffset];
        int offset = SyncWire.HeaderLength;
        for (int i = 0; i < count; i++)
        {
            SyncMessageError error = ReadEntry(datagram, offset, out EntryLayout layout);
            if (error != SyncMessageError.None)
            {
                return error;
            }

            if (layout.Skip)
            {
                skipped++;
            }

            offset = layout.Next;
        }

        return SyncMessageError.None;
    }

    // Walks one entry at start: its fixed part, its size, its options. Records where the known
    // options' data are, whether the entry is one a backup passes over, and where the next
    // entry starts (after the padding to a multiple of 4).
    private static SyncMessageError ReadEntry(ReadOnlySpan<byte> datagram, int start, out EntryLayout layout)
    {
        layout = EntryLayout.Empty;
        if (start > datagram.Length - SyncWire.EntryLength)
        {
            return SyncMessageError.TruncatedEntry;
        }

        ushort versionSize = BinaryPrimitives.ReadUInt16BigEndian(datagram[(start + SyncWire.VersionSizeOffset)..]);
        int size = versionSize & SyncWire.EntrySizeMask;
        if (size > datagram.Length - start)
        {
            return SyncMessageError.BadEntrySize;
        }

        if (versionSize >> SyncWire.EntryVersionShift != 0)
        {
            return SyncMessageError.UnknownEntryVersion;
        }

        byte type = datagram[start + SyncWire.TypeOffset];
        bool ipv6 = (type & SyncWire.TypeIpv6Flag) != 0;
        if (!ipv6 && type != SyncWire.TypeIpv4)
        {
            return SyncMessageError.UnknownEntryType;
        }

        int fixedLength = ipv6 ? SyncWire.Ipv6EntryLength : SyncWire.EntryLength;
        if (size < fixedLength)
        {
            return SyncMessageError.BadEntrySize;
        }

        layout.Skip = ipv6;
        layout.Next = start + ((size + SyncWire.EntryAlignment - 1) & ~(SyncWire.EntryAlignment - 1));
        int end = start + size;
        for (int p = start + fixedLength; p < end;)
        {
            if (end - p < SyncWire.OptionHeaderLength)
            {
                return SyncMessageError.OptionOverrun;
            }

            int optionType = datagram[p];
            int length = datagram[p + 1];
            p += SyncWire.OptionHeaderLength;
            if (length == 0)
            {
                return SyncMessageError.BadOption;
            }

            if (length > end - p)
            {
                return SyncMessageError.OptionOverrun;
            }

            switch (optionType & ~SyncWire.OptionOptionalFlag)
            {
                case SyncWire.OptionSequence:
                    if (length != SyncWire.SequenceOptionLength || layout.SequenceAt >= 0)
                    {
                        return SyncMessageError.BadOption;
                    }

                    layout.SequenceAt = p;
                    break;
                case SyncWire.OptionPersistenceData:
                    if (layout.DataAt >= 0)
                    {
                        return SyncMessageError.BadOption;
                    }

                    layout.DataAt = p;
                    layout.DataLength = length;
                    break;
                case SyncWire.OptionPersistenceEngineName:
                    if (length > SyncWire.MaxPersistenceEngineNameLength || layout.NameAt >= 0)
                    {
                        return SyncMessageError.BadOption;
                    }

                    layout.NameAt = p;
                    layout.NameLength = length;
                    break;
                default:
                    if ((optionType & SyncWire.OptionOptionalFlag) == 0)
                    {
                        // An unknown mandatory option: the kernel drops this entry, reads no
                        // further into it, and goes on with the next.
                        layout.Skip = true;
                        return SyncMessageError.None;
                    }

                    break;
            }

            p += length;
        }

        return SyncMessageError.None;
    }

    private static SyncEntry Build(ReadOnlySpan<byte> datagram, int start, in EntryLayout layout)
    {
        ReadOnlySpan<byte> e = datagram[start..];
        SyncSequences? sequences = null;
        if (layout.SequenceAt >= 0)
        {
            ReadOnlySpan<byte> s = datagram[layout.SequenceAt..];
            sequences = new SyncSequences(
                new SyncSequence(ReadUInt32(s, 0), ReadUInt32(s, 4), ReadUInt32(s, 8)),
                new SyncSequence(ReadUInt32(s, 12), ReadUInt32(s, 16), ReadUInt32(s, 20)));
        }

        return new SyncEntry
        {
            Protocol = e[SyncWire.ProtocolOffset],
            Flags = (SyncFlags)ReadUInt32(e, SyncWire.FlagsOffset),
            State = ReadUInt16(e, SyncWire.StateOffset),
            ClientPort = ReadUInt16(e, SyncWire.ClientPortOffset),
            VirtualPort = ReadUInt16(e, SyncWire.VirtualPortOffset),
            DestinationPort = ReadUInt16(e, SyncWire.DestinationPortOffset),
            FirewallMark = ReadUInt32(e, SyncWire.FirewallMarkOffset),
            TimeoutSeconds = ReadUInt32(e, SyncWire.TimeoutOffset),
            ClientAddress = Ipv4Address.ReadFrom(e[SyncWire.ClientAddressOffset..]),
            VirtualAddress = Ipv4Address.ReadFrom(e[SyncWire.VirtualAddressOffset..]),
            DestinationAddress = Ipv4Address.ReadFrom(e[SyncWire.DestinationAddressOffset..]),
            Sequences = sequences,

            // The one copy the read path makes, and only for an entry with persistence-engine
            // data (SIP): the entry outlives the datagram's buffer.
            PersistenceData = layout.DataAt >= 0 ? datagram.Slice(layout.DataAt, layout.DataLength).ToArray() : default,
            PersistenceEngine = layout.NameAt >= 0 ? EngineName(datagram.Slice(layout.NameAt, layout.NameLength)) : null,
        };
    }

    // The only engine the kernel has is "sip": its name costs no string.
    private static string EngineName(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("sip"u8) ? "sip" : Encoding.ASCII.GetString(name);

    private static ushort ReadUInt16(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);

    private static uint ReadUInt32(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadUInt32BigEndian(span[offset..]);

    /// <summary>Enumerates the entries of a checked message; allocates nothing.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _datagram;
        private int _remaining;
        private int _offset;
        private SyncEntry _current;

        internal Enumerator(ReadOnlySpan<byte> datagram)
        {
            _datagram = datagram;
            _remaining = datagram.IsEmpty ? 0 : datagram[SyncWire.CountOffset];
            _offset = SyncWire.HeaderLength;
            _current = default;
        }

        /// <summary>The current entry.</summary>
        public readonly SyncEntry Current => _current;

        /// <summary>Moves to the next entry that is not skipped.</summary>
        /// <returns>False after the last.</returns>
        public bool MoveNext()
        {
            while (_remaining > 0)
            {
                _remaining--;
                int start = _offset;

                // The message was checked whole: this cannot fail.
                _ = ReadEntry(_datagram, start, out EntryLayout layout);
                _offset = layout.Next;
                if (!layout.Skip)
                {
                    _current = Build(_datagram, start, layout);
                    return true;
                }
            }

            return false;
        }
    }

    private struct EntryLayout
    {
        public static readonly EntryLayout Empty = new() { SequenceAt = -1, DataAt = -1, NameAt = -1 };

        public int Next;
        public bool Skip;
        public int SequenceAt;
        public int DataAt;
        public int DataLength;
        public int NameAt;
        public int NameLength;
    }
}
