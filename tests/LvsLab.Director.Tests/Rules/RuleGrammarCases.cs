using Xunit;

namespace LvsLab.Director.Tests.Rules;

/// <summary>The ipvsadm-save / ipvsadm -R grammar as data: inputs, their canonical print, and errors.</summary>
public static class RuleGrammarCases
{
    /// <summary>(case, input, what the printer gives for it: ipvsadm 1.31's ipvsadm-save -n layout).</summary>
    public static TheoryData<string, string, string> Canonical { get; } = new()
    {
        {
            "1.31 save with every service option",
            """
            -A -t 10.0.0.1:80 -s wlc
            -a -t 10.0.0.1:80 -r 10.0.1.11:80 -g -w 1
            -A -t 10.0.0.1:443 -s sh -b sh-fallback,sh-port -p 600 -M 255.255.255.0
            -a -t 10.0.0.1:443 -r 10.0.1.11:443 -i -w 3 --tun-type ipip
            -A -u 10.0.0.1:53 -s rr -o
            -a -u 10.0.0.1:53 -r 10.0.1.12:5353 -m -w 0
            -A -f 7 -s mh -b mh-port -p 300
            -a -f 7 -r 10.0.1.13:0 -g -w 2
            -A -t 10.0.0.1:0 -s lblcr -p 3600
            -a -t 10.0.0.1:0 -r 10.0.1.14:0 -g -w 1
            """,
            """
            -A -t 10.0.0.1:80 -s wlc
            -a -t 10.0.0.1:80 -r 10.0.1.11:80 -g -w 1
            -A -t 10.0.0.1:443 -s sh -b sh-fallback,sh-port -p 600 -M 255.255.255.0
            -a -t 10.0.0.1:443 -r 10.0.1.11:443 -i -w 3 --tun-type ipip
            -A -u 10.0.0.1:53 -s rr -o
            -a -u 10.0.0.1:53 -r 10.0.1.12:5353 -m -w 0
            -A -f 7 -s mh -b mh-port -p 300
            -a -f 7 -r 10.0.1.13:0 -g -w 2
            -A -t 10.0.0.1:0 -s lblcr -p 3600
            -a -t 10.0.0.1:0 -r 10.0.1.14:0 -g -w 1

            """
        },
        {
            "1.26 save: bare ops, -i without --tun-type, netmask after -p",
            """
            -A -u 10.0.0.2:53 -s wrr -p 120 -M 255.255.0.0 ops
            -a -u 10.0.0.2:53 -r 10.0.1.21:53 -i -w 5
            -A -f 4294967295 -s dh ops
            -a -f 4294967295 -r 10.0.1.22:8080 -m -w 1
            """,
            """
            -A -u 10.0.0.2:53 -s wrr -p 120 -M 255.255.0.0 -o
            -a -u 10.0.0.2:53 -r 10.0.1.21:53 -i -w 5 --tun-type ipip
            -A -f 4294967295 -s dh -o
            -a -f 4294967295 -r 10.0.1.22:8080 -m -w 1

            """
        },
        {
            "defaults: -s wlc, -p 300, -g, -w 1, the service port; -M /32 and zero thresholds print nothing",
            """
            -A -t 10.0.0.3:8080 -p
            -a -t 10.0.0.3:8080 -r 10.0.1.31
            -A -t 10.0.0.4:80 -s rr -p 60 -M 255.255.255.255
            -a -t 10.0.0.4:80 -r 10.0.1.31 -x 0 -y 0
            """,
            """
            -A -t 10.0.0.3:8080 -s wlc -p 300
            -a -t 10.0.0.3:8080 -r 10.0.1.31:8080 -g -w 1
            -A -t 10.0.0.4:80 -s rr -p 60
            -a -t 10.0.0.4:80 -r 10.0.1.31:80 -g -w 1

            """
        },
        {
            "long options, = forms, any option order, every scheduler flag name",
            """
            --add-service --fwmark-service=12 --sched-flags flag-3,flag-1 --scheduler lc --persistent=30 --netmask 255.255.255.128
            --add-server --fwmark-service 12 --weight=9 --u-threshold 1000 --l-threshold=800 --real-server 10.0.1.41:443 --masquerading
            --add-service --udp-service 10.0.0.5:500 --ops --scheduler=sh --sched-flags=flag-2,sh-fallback
            --add-server --udp-service=10.0.0.5:500 --real-server=10.0.1.42 --tun-type ipip --ipip -y 5 -x 10
            -A -t 10.0.0.6:25 -b flag-1,flag-2,flag-3 -s nq
            """,
            """
            -A -f 12 -s lc -b flag-1,flag-3 -p 30 -M 255.255.255.128
            -a -f 12 -r 10.0.1.41:443 -m -w 9 -x 1000 -y 800
            -A -u 10.0.0.5:500 -s sh -b sh-fallback,sh-port -o
            -a -u 10.0.0.5:500 -r 10.0.1.42:500 -i -w 1 --tun-type ipip -x 10 -y 5
            -A -t 10.0.0.6:25 -s nq -b flag-1,flag-2,flag-3

            """
        },
        {
            "every IPVS scheduler",
            """
            -A -t 10.0.1.1:1 -s rr
            -A -t 10.0.1.1:2 -s wrr
            -A -t 10.0.1.1:3 -s lc
            -A -t 10.0.1.1:4 -s wlc
            -A -t 10.0.1.1:5 -s lblc
            -A -t 10.0.1.1:6 -s lblcr
            -A -t 10.0.1.1:7 -s dh
            -A -t 10.0.1.1:8 -s sh
            -A -t 10.0.1.1:9 -s sed
            -A -t 10.0.1.1:10 -s nq
            -A -t 10.0.1.1:11 -s fo
            -A -t 10.0.1.1:12 -s ovf
            -A -t 10.0.1.1:13 -s mh
            """,
            """
            -A -t 10.0.1.1:1 -s rr
            -A -t 10.0.1.1:2 -s wrr
            -A -t 10.0.1.1:3 -s lc
            -A -t 10.0.1.1:4 -s wlc
            -A -t 10.0.1.1:5 -s lblc
            -A -t 10.0.1.1:6 -s lblcr
            -A -t 10.0.1.1:7 -s dh
            -A -t 10.0.1.1:8 -s sh
            -A -t 10.0.1.1:9 -s sed
            -A -t 10.0.1.1:10 -s nq
            -A -t 10.0.1.1:11 -s fo
            -A -t 10.0.1.1:12 -s ovf
            -A -t 10.0.1.1:13 -s mh

            """
        },
        {
            "commands applied in order: edit replaces, delete removes, clear empties",
            """
            -A -t 10.0.0.9:80 -s rr
            -C
            -A -t 10.0.0.7:80 -s rr -p 100
            -a -t 10.0.0.7:80 -r 10.0.1.71 -w 3 -x 50
            -a -t 10.0.0.7:80 -r 10.0.1.72 -w 4
            -a -t 10.0.0.7:80 -r 10.0.1.73:80 -w 5
            -E -t 10.0.0.7:80 -s wrr
            -e -t 10.0.0.7:80 -r 10.0.1.71:80 -w 7
            -d -t 10.0.0.7:80 -r 10.0.1.72
            -A -u 10.0.0.7:53 -s rr
            -A -f 3 -s rr
            -D -u 10.0.0.7:53
            --edit-service -f 3 -s wrr -o
            -a -f 3 -r 10.0.1.74:9000 -m
            --edit-server -f 3 -r 10.0.1.74:9000 -i
            """,
            """
            -A -t 10.0.0.7:80 -s wrr
            -a -t 10.0.0.7:80 -r 10.0.1.71:80 -g -w 7
            -a -t 10.0.0.7:80 -r 10.0.1.73:80 -g -w 5
            -A -f 3 -s wrr -o
            -a -f 3 -r 10.0.1.74:9000 -i -w 1 --tun-type ipip

            """
        },
        {
            "delete and add again keeps the new order; comments and blank lines",
            """
            # saved by hand
            -A -t 10.0.0.8:80 -s rr   # web

            -a -t 10.0.0.8:80 -r 10.0.1.81:80 -g -w 1
            -A -t 10.0.0.8:81 -s rr
            -D -t 10.0.0.8:80
            -A -t 10.0.0.8:80 -s wrr
            """,
            """
            -A -t 10.0.0.8:81 -s rr
            -A -t 10.0.0.8:80 -s wrr

            """
        },
    };

    /// <summary>(text, line number of the error, reason).</summary>
    public static TheoryData<string, int, string> Errors { get; } = new()
    {
        // Commands.
        { "-A -t 10.0.0.1:80 -s rr -E -t 10.0.0.1:80", 1, "option '-E' can only start a line (one command per line)" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 --delete-server", 2, "option '--delete-server' can only start a line (one command per line)" },
        { "-C -C", 1, "option '-C' can only start a line (one command per line)" },
        { "-R", 1, "option '-R' is not supported yet" },
        { "-S -n", 1, "option '-S' is not supported yet" },
        { "-A -t 10.0.0.1:80 -s rr\n-A -t 10.0.0.1:80 -s wrr", 2, "duplicate service -t 10.0.0.1:80 (already defined on line 1)" },
        { "-A -f 5 -s rr\n-A --fwmark-service 5", 2, "duplicate service -f 5 (already defined on line 1)" },
        { "-A -t 10.0.0.1:80 -s rr\n-C\n-E -t 10.0.0.1:80 -s rr", 3, "cannot edit service -t 10.0.0.1:80: it is not defined above (add it with -A first)" },
        { "-A -t 10.0.0.1:80 -s rr\n-D -t 10.0.0.1:80\n-D -t 10.0.0.1:80", 3, "cannot delete service -t 10.0.0.1:80: it is not defined above" },
        { "-D -f 9", 1, "cannot delete service -f 9: it is not defined above" },
        { "-e -t 10.0.0.1:80 -r 10.0.0.11", 1, "cannot edit a real server of service -t 10.0.0.1:80: the service is not defined above" },
        { "-d -u 10.0.0.1:80 -r 10.0.0.11", 1, "cannot delete a real server of service -u 10.0.0.1:80: the service is not defined above" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11\n-d -t 10.0.0.1:80 -r 10.0.0.11\n-e -t 10.0.0.1:80 -r 10.0.0.11 -w 2", 4, "cannot edit real server 10.0.0.11:80: service -t 10.0.0.1:80 has no such real server" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m\n-d -t 10.0.0.1:80 -r 10.0.0.11", 3, "cannot delete real server 10.0.0.11:80: service -t 10.0.0.1:80 has no such real server" },
        { "-A -f 1 -s rr\n-a -f 1 -r 10.0.0.11:80\n-a -f 1 -r 10.0.0.11:80 -m", 3, "duplicate real server 10.0.0.11:80 in service -f 1 (already added on line 2)" },
        { "-a -f 1 -r 10.0.0.11", 1, "real server for service -f 1, which is not defined above (add it with -A first)" },

        // Which options go with which command.
        { "-A -t 10.0.0.1:80 -s rr -r 10.0.0.11", 1, "option '-r' cannot be used with -A (it belongs on an -a line)" },
        { "-E -t 10.0.0.1:80 -m", 1, "option '-m' cannot be used with -E (it belongs on an -a line)" },
        { "-A -t 10.0.0.1:80 -x 5", 1, "option '-x' cannot be used with -A (it belongs on an -a line)" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 -p 30", 2, "option '-p' cannot be used with -a (it belongs on an -A line)" },
        { "-A -t 10.0.0.1:80 -s rr\n-e -t 10.0.0.1:80 -r 10.0.0.11 -b flag-1", 2, "option '-b' cannot be used with -e (it belongs on an -A line)" },
        { "-A -u 10.0.0.1:80 -s rr\n-a -u 10.0.0.1:80 -r 10.0.0.11 --ops", 2, "option '--ops' cannot be used with -a (it belongs on an -A line)" },
        { "-D -t 10.0.0.1:80 -s rr", 1, "option '-s' cannot be used with -D (-D only names the service)" },
        { "-d -t 10.0.0.1:80 -r 10.0.0.11 -w 1", 1, "option '-w' cannot be used with -d (-d only names the service and the real server)" },
        { "--clear --scheduler rr", 1, "option '--scheduler' cannot be used with --clear (-C takes no options)" },
        { "-D -s rr", 1, "option '-s' cannot be used with -D (-D only names the service)" },
        { "-D", 1, "missing service: -D needs -t or -u a.b.c.d:port, or -f mark" },
        { "-A -f 1 -s rr\n-d -f 1", 2, "missing real server: -d needs -r a.b.c.d[:port]" },
        { "-A -f 1 -s rr\n-e -f 1 -w 2", 2, "missing real server: -e needs -r a.b.c.d[:port]" },

        // Values.
        { "-A -f 0 -s rr", 1, "firewall mark '0' is not an integer in 1..4294967295" },
        { "-A -f 4294967296 -s rr", 1, "firewall mark '4294967296' is not an integer in 1..4294967295" },
        { "-A -f 0x10 -s rr", 1, "firewall mark '0x10' is not an integer in 1..4294967295" },
        { "-A -f -s rr", 1, "option '-f' needs a value" },
        { "-A -f 1 -t 10.0.0.1:80 -s rr", 1, "option '-t' repeats the service (only one of -t, -u, -f per line)" },
        { "-A -t 10.0.0.1:80 -s RR", 1, "unknown scheduler 'RR' (IPVS schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos)" },
        { "-A -t 10.0.0.1:80 -s rr -p 0", 1, "persistence timeout '0' is not an integer in 1..2678400" },
        { "-A -t 10.0.0.1:80 -s rr -p 2678401", 1, "persistence timeout '2678401' is not an integer in 1..2678400" },
        { "-A -t 10.0.0.1:80 -s rr -p -5", 1, "persistence timeout '-5' is not an integer in 1..2678400" },
        { "-A -t 10.0.0.1:80 -s rr --persistent=", 1, "option '--persistent' needs a value" },
        { "-A -t 10.0.0.1:80 -s rr -p 30 -p 40", 1, "option '-p' is given more than once" },
        { "-A -t 10.0.0.1:80 -s rr -p 30 --persistent", 1, "option '--persistent' is given more than once (also as '-p')" },
        { "-A -t 10.0.0.1:80 -s rr -p -M 255.255.255.0 -M 255.255.0.0", 1, "option '-M' is given more than once" },
        { "-A -t 10.0.0.1:80 -s rr --netmask 255.255.255.0", 1, "option '--netmask' needs -p (a netmask is the granularity of persistence)" },
        { "-A -t 10.0.0.1:80 -s rr -p 30 -M 24", 1, "bad netmask '24': expected a dotted IPv4 mask such as 255.255.255.0" },
        { "-A -t 10.0.0.1:80 -s rr -p 30 -M 255.0.255.0", 1, "bad netmask '255.0.255.0': its one bits must be contiguous from the left (e.g. 255.255.255.0)" },
        { "-A -t 10.0.0.1:80 -s rr -p 30 -M 0.0.0.0", 1, "bad netmask '0.0.0.0': 0.0.0.0 would send every client to one real server" },
        { "-A -t 10.0.0.1:80 -s rr -p 30 -M", 1, "option '-M' needs a value" },
        { "-A -t 10.0.0.1:80 -s rr --ops", 1, "option '--ops' (one-packet scheduling) only applies to UDP services, not -t 10.0.0.1:80" },
        { "-A -t 10.0.0.1:80 -s rr ops", 1, "option 'ops' (one-packet scheduling) only applies to UDP services, not -t 10.0.0.1:80" },
        { "-A -u 10.0.0.1:80 -s rr -o 1", 1, "unexpected token '1'" },
        { "-A -u 10.0.0.1:80 -s rr --ops=1", 1, "option '--ops' takes no value" },
        { "-A -u 10.0.0.1:80 -s rr -p 30 pe sip", 1, "option 'pe' (a persistence engine, as ipvsadm 1.26 saves --pe) is not supported yet" },
        { "-A -u 10.0.0.1:80 -s rr -p 30 --pe sip", 1, "option '--pe' is not supported yet" },
        { "-A -t 10.0.0.1:80 -s rr -b flag-4", 1, "unknown scheduler flag 'flag-4' (flags: flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback, mh-port)" },
        { "-A -t 10.0.0.1:80 -s rr -b flag-1,", 1, "option '-b' has an empty flag in 'flag-1,' (flags: flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback, mh-port)" },
        { "-A -t 10.0.0.1:80 -s rr -b sh-port", 1, "scheduler flag 'sh-port' only applies to -s sh, not -s rr" },
        { "-A -t 10.0.0.1:80 -s sh -b mh-fallback", 1, "scheduler flag 'mh-fallback' only applies to -s mh, not -s sh" },
        { "-A -t 10.0.0.1:80 -b sh-fallback", 1, "scheduler flag 'sh-fallback' only applies to -s sh, not -s wlc" },
        { "-A -t 10.0.0.1:80 -s sh -b sh-fallback,flag-1", 1, "scheduler flag 'flag-1' is given more than once in 'sh-fallback,flag-1'" },
        { "-A -t 10.0.0.1:80 -s sh -b", 1, "option '-b' needs a value" },
        { "-A -t 10.0.0.1 -s rr -p", 1, "bad address '10.0.0.1': a service needs a port (a.b.c.d:port or [v6]:port)" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11:0 -m", 2, "bad port 0 in '10.0.0.11:0': out of range 1..65535" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 -x 2147483648", 2, "upper threshold '2147483648' is not an integer in 0..2147483647" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 --l-threshold=-1", 2, "lower threshold '-1' is not an integer in 0..2147483647" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 -x 10 -y 11", 2, "lower threshold 11 is above the upper threshold 10 (IPVS refuses this; 0 means no upper limit only when both are 0)" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 -y 5", 2, "lower threshold 5 is above the upper threshold 0 (IPVS refuses this; 0 means no upper limit only when both are 0)" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 -x", 2, "option '-x' needs a value" },
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11 -w 1 --weight 2", 2, "option '--weight' is given more than once (also as '-w')" },
        { "-A -t 10.0.0.1:80 -s rr\n-e -t 10.0.0.1:80 -r 10.0.0.11 -i --tun-type gue", 2, "tunnel type 'gue' is not supported (supported: ipip)" },
        { "-A -t 10.0.0.1:80 -s rr -6", 1, "option '-6' is not supported yet" },

        // All or nothing: an error on a late line loses every earlier line too.
        { "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.11\n\n# fine so far\n-A -t 10.0.0.2:80 -s rr --frob", 5, "unknown option '--frob'" },
    };
}
