#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
A model-based randomized test of tunown: random steps against a small
universe of devices, and after each step the real kernel is compared with
what the model says it must be.

Run as root inside tests/lib/sandbox (a private /run, /dev/net/tun, sysfs,
passwd and group; tests/integration/95-model.bats does that, and so do
`make check` and `make soak`). It uses the sandbox's network namespace and
one more, `ip netns add lab`.

  TUNOWN_SEED=N          the seed (printed; default: random)
  TUNOWN_MODEL_STEPS=N   the number of steps (default 300)
  TUNOWN_MODEL_ENABLE=a,b|all   turn on steps of DISABLED (to see what diverges)
  TUNOWN_MODEL_KEEP_GOING=1     count divergences and go on (make soak)
  TUNOWN_MODEL_LOG=FILE  every command run, for reproducing by hand
  TUNOWN_MODEL_REPORT=FILE      every divergence in full (make soak: build/soak.txt)

Steps: rewrite the file and apply (with and without --prune, a dry run first),
add and del by hand, and outside interference: a program attaches with some
flags and holds the device, `ip` changes an address, the MTU, the alias or an
altname, a run is killed at a random system call (strace fault injection).
After every step: every device in the kernel equals the model (managed ones
field by field, unmanaged ones untouched), the dry run predicted exactly the
real run's results, refusals and exit status, no device is in a netdev group
other than the default, none is lost or left over.

Exit status 0: no divergence; 1: divergences (each printed with the seed and
the commands that led to it); 2: the harness could not run.
"""

import ipaddress
import json
import os
import random
import shlex
import subprocess
import sys
import time

# The steps (or variants of steps) whose semantics tunown does not have yet:
# the model encodes the intended semantics, and until they are built these
# steps are not generated, so that `make check` passes. Delete a line when
# they are; TUNOWN_MODEL_ENABLE=all shows what still diverges. Empty: every
# step is generated.
DISABLED = {
}

TUNOWN = os.environ.get("TUNOWN", "build/tunown")
TESTBIN = os.environ.get("TUNOWN_TESTBIN", "build/tests")
ATTACH = os.path.join(TESTBIN, "attach")
CONF = "/run/tunown-model/tunown.conf"
LAB = "lab"

USERS = {"alice": 1001, "bob": 1002, "carol": 1003}
GROUPS = {"kvm": 1100, "netdev": 1200}
GROUP_MEMBERS = {1100: ["alice", "carol"], 1200: ["carol"]}
UID_NAME = {v: k for k, v in USERS.items()}
GID_NAME = {v: k for k, v in GROUPS.items()}

ALIAS = "tunown"


class Harness(Exception):
    """The harness itself could not go on (not a divergence)."""


# ---------------------------------------------------------------- universe

class Spec:
    """One device of the universe: what never changes about it."""

    def __init__(self, idx, name, mode, netns, owner, mq=False, explicit_mode=False):
        self.idx = idx
        self.name = name
        self.mode = mode            # "tun" or "tap"
        self.netns = netns          # None: the home namespace
        self.owner = owner          # "user", "group" or "both"
        self.mq = mq
        self.explicit_mode = explicit_mode
        i = idx
        self.v4 = [f"10.{i}.0.1/24", f"10.{i}.0.2/24", f"10.{i}.1.1/24"]
        self.v6 = [f"fd{i:02x}::1/64", f"fd{i:02x}::2/64"]
        self.v6_prefix = f"fd{i:02x}::1/48"         # the same local as v6[0]
        self.ll = f"fe80::{i}:1/64"                 # a link-local address from the file
        self.peer_local = [f"10.{i}.9.1/32", f"fd{i:02x}:9::1/128"]
        self.peers = [[None, f"10.{i}.9.2", f"10.{i}.9.3"], [None, f"fd{i:02x}:9::2"]]
        self.fixed_peer = [f"10.{i}.9.2", None]     # while peer_change is disabled
        self.macs = [f"02:00:00:00:{i:02x}:01", f"02:00:00:00:{i:02x}:02"]
        self.extra = [f"10.{i}.5.5/24", f"fd{i:02x}:5::5/64"]   # what ip adds from outside
        self.altname = f"alt{name}"

    @property
    def key(self):
        return (self.netns, self.name)


UNIVERSE = [
    Spec(1, "tap0", "tap", None, "user"),
    Spec(2, "tap1", "tap", None, "both"),
    Spec(3, "tun0", "tun", None, "group"),
    Spec(4, "vpn1", "tun", None, "user", explicit_mode=True),
    Spec(5, "mq0", "tap", None, "group", mq=True),
    Spec(6, "tapl", "tap", LAB, "user"),
    Spec(7, "tapk", "tap", LAB, "group"),    # always in the file: lab is always named
]
BY_KEY = {s.key: s for s in UNIVERSE}
FTAP = Spec(8, "ftap", "tap", None, "user")   # a section naming a foreign device
ALWAYS = {(LAB, "tapk")}

# Devices tunown must never touch: (netns, name, how to make them).
FOREIGN = [
    (None, "ftap", ["ip", "tuntap", "add", "dev", "ftap", "mode", "tap", "user", "1002"]),
    (None, "fbr0", ["ip", "link", "add", "fbr0", "type", "bridge"]),
    (LAB, "fveth", ["ip", "link", "add", "fveth", "type", "veth", "peer", "name", "fvethp"]),
    (LAB, "fvethp", None),
]
FOREIGN_ADDR = {(None, "fbr0"): "192.168.77.1/24", (LAB, "fveth"): "192.168.78.1/24"}


def addr_key(cidr, peer=None):
    """An address as the model and the kernel compare it: (local, prefix, peer)."""
    iface = ipaddress.ip_interface(cidr)
    return (str(iface.ip), iface.network.prefixlen, str(ipaddress.ip_address(peer)) if peer else None)


def is_v6(a):
    return ":" in a[0]


def fmt_addr(a):
    s = f"{a[0]}/{a[1]}"
    return s + f" peer {a[2]}" if a[2] else s


# ------------------------------------------------------------------ model

class Dev:
    """The model's idea of one device in the kernel."""

    def __init__(self, spec):
        self.spec = spec
        self.uid = None
        self.gid = None
        self.mtu = 1500
        self.mac = None          # None: whatever the kernel chose (read back once)
        self.up = True
        self.addrs = []          # in the order the kernel got them
        self.vnet = False
        self.pi = False
        self.alias = ALIAS
        self.altnames = set()
        self.holders = []        # Holder objects
        self.secondary = set()   # the IPv4 addresses the kernel has as secondaries

    @property
    def managed(self):
        return self.alias == ALIAS

    def copy(self):
        d = Dev(self.spec)
        d.__dict__.update({k: (list(v) if isinstance(v, list) else set(v) if isinstance(v, set) else v)
                           for k, v in self.__dict__.items()})
        d.holders = self.holders
        return d

    def held_single(self):
        return bool(self.holders) and not self.spec.mq


class Section:
    """One section of a generated file."""

    def __init__(self, spec):
        self.spec = spec
        self.user = None         # text as written (name or number)
        self.group = None
        self.addrs = []          # (cidr, peer) as written
        self.mtu = None
        self.mac = None
        self.vnet = None
        self.pi = None
        self.up = None
        self.adopt = False
        self.mode_line = spec.explicit_mode
        self.mq_line = spec.mq
        self.bad = None          # a line that makes the file bad (exit 2)

    def uid(self):
        return None if self.user is None else USERS.get(self.user, None) or int(self.user)

    def gid(self):
        return None if self.group is None else GROUPS.get(self.group, None) or int(self.group)

    def keys(self):
        return [addr_key(c, p) for c, p in self.addrs]

    def text(self):
        s = self.spec
        yes = {True: "yes", False: "no"}
        out = [f"[{s.name}]"] + (["mode = " + s.mode] if self.mode_line else [])
        out += [f"{k} = {v}" for k, v in (("user", self.user), ("group", self.group)) if v is not None]
        for cidr, peer in self.addrs:
            out += [f"address = {cidr}"] + ([f"peer = {peer}"] if peer else [])
        for key, v in (("mtu", self.mtu), ("mac", self.mac),
                       ("multi-queue", yes[s.mq] if self.mq_line else None),
                       ("vnet-hdr", None if self.vnet is None else yes[self.vnet]),
                       ("pi", None if self.pi is None else {True: "on", False: "off"}[self.pi]),
                       ("up", None if self.up is None else yes[self.up]),
                       ("adopt", "yes" if self.adopt else None)):
            if v is not None:
                out.append(f"{key} = {v}")
        if s.netns:
            out.append(f"netns = {s.netns}")
        if self.bad:
            out.append(self.bad)
        return "\n".join(out) + "\n"


class Holder:
    """A program that attached to a device and holds it (tests/helpers/attach --hold)."""

    def __init__(self, spec, user, flags):
        self.spec = spec
        self.user = user
        self.flags = flags
        cmd = []
        if spec.netns:
            cmd += ["ip", "netns", "exec", spec.netns]
        if user != "root":
            cmd += ["setpriv", f"--reuid={user}", f"--regid={USERS[user]}", "--init-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--"]
        cmd += [ATTACH, spec.name, "--" + spec.mode] + flags + ["--hold"]
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.answer = self.proc.stdout.readline().strip()
        if self.answer != "ok":
            self.proc.stdin.close()
            self.proc.wait()

    def release(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)


# --------------------------------------------------------------- the test

class Divergence(Exception):
    pass


class Run:
    def __init__(self, seed, steps, enabled, keep_going, log_path):
        self.seed = seed
        self.rng = random.Random(seed)
        self.steps = steps
        self.enabled = enabled
        self.keep_going = keep_going
        self.log = open(log_path, "w") if log_path else None
        self.model = {}          # key -> Dev
        self.history = []        # the commands since the last reset, for reproducing
        self.divergences = []
        self.step_no = 0
        self.counts = {}
        self.last_conf = ""

    def on(self, what):
        return what not in DISABLED or what in self.enabled or "all" in self.enabled

    # -------------------------------------------------------- running things

    def sh(self, cmd, check=False, stdin=None, record=True):
        if record:
            self.history.append(" ".join(shlex.quote(c) for c in cmd))
        if self.log:
            self.log.write(f"[{self.step_no}] $ {' '.join(shlex.quote(c) for c in cmd)}\n")
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
        if self.log:
            if p.stdout:
                self.log.write(p.stdout)
            if p.stderr:
                self.log.write(p.stderr)
            self.log.write(f"rc={p.returncode}\n")
        if check and p.returncode != 0:
            raise Harness(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
        return p

    def ip(self, netns, *args, check=True):
        cmd = ["ip"] + (["-n", netns] if netns else []) + list(args)
        return self.sh(cmd, check=check)

    def tunown(self, *args, netns=None, stdin=None):
        cmd = [TUNOWN] + list(args) + (["--netns", netns] if netns else [])
        return self.sh(cmd, stdin=stdin)

    # ------------------------------------------------------- reading the kernel

    def links(self, netns):
        cmd = ["ip"] + (["-n", netns] if netns else []) + ["-d", "-j", "addr", "show"]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise Harness(f"{' '.join(cmd)}: {p.stderr.strip()}")
        return {l["ifname"]: l for l in json.loads(p.stdout)}

    def kernel(self):
        return {ns: self.links(ns) for ns in (None, LAB)}

    @staticmethod
    def kaddrs(link, spec=None):
        """The addresses that count, as (local, prefix, peer): the kernel's own
        link-local ones (autoconfiguration) are left out."""
        pool_ll = {addr_key(spec.ll)} if spec else set()
        out = []
        for a in link.get("addr_info", []):
            if a.get("family") not in ("inet", "inet6"):
                continue
            peer = a.get("address")
            k = (a["local"], a["prefixlen"], peer if peer and peer != a["local"] else None)
            if k[0].startswith("fe80:") and k not in pool_ll:
                continue
            out.append(k)
        return out

    @staticmethod
    def kid(v, names):
        if v is None:
            return None
        return names[v] if v in names else int(v)

    def kdev(self, link):
        info = link.get("linkinfo", {}).get("info_data", {})
        return {
            "kind": link.get("linkinfo", {}).get("info_kind"),
            "mode": info.get("type"),
            "mq": info.get("multi_queue"),
            "persist": info.get("persist"),
            "uid": self.kid(info.get("user"), USERS),
            "gid": self.kid(info.get("group"), GROUPS),
            "vnet": info.get("vnet_hdr"),
            "pi": info.get("pi"),
            "mtu": link["mtu"],
            "mac": link.get("address") if link.get("link_type") == "ether" else None,
            "up": "UP" in link["flags"],
            "alias": link.get("ifalias"),
            "group": link.get("group"),
            "altnames": set(link.get("altnames", [])),
        }

    @staticmethod
    def foreign_state(link):
        keep = ("ifname", "ifindex", "mtu", "address", "ifalias", "group", "altnames", "link")
        s = {k: link.get(k) for k in keep}
        info = link.get("linkinfo", {})
        s["kind"] = info.get("info_kind")
        if s["kind"] == "tun":
            s["tun"] = info.get("info_data")
        s["flags"] = sorted(set(link["flags"]) - {"NO-CARRIER", "LOWER_UP", "M-DOWN"})
        s["addrs"] = sorted(f"{a['local']}/{a['prefixlen']}" for a in link.get("addr_info", [])
                            if a.get("scope") != "link")
        return json.dumps(s, sort_keys=True)

    def foreign_snapshot(self, k):
        return {(ns, n): self.foreign_state(k[ns][n]) for ns, n, _ in FOREIGN if n in k[ns]}

    # ----------------------------------------------------------- comparing

    def diverge(self, what, expected, got, labels=("model expected", "kernel/tunown had")):
        raise Divergence(f"{what}\n    {labels[0]}: {expected}\n    {labels[1]}: {got}")

    def compare(self, k=None):
        """Every device of both namespaces against the model."""
        k = k or self.kernel()
        foreign_names = {(ns, n) for ns, n, _ in FOREIGN}
        for ns in (None, LAB):
            have = set(k[ns]) - {"lo"}
            want = {n for (mns, n) in self.model if mns == ns} | {n for (fns, n) in foreign_names if fns == ns}
            if have != want:
                self.diverge(f"the devices of namespace {ns or 'home'}", sorted(want), sorted(have))
            for name, link in k[ns].items():
                if link.get("group", "default") != "default":
                    self.diverge(f"{name}@{ns or 'home'}: netdev group", "default", link.get("group"))
        for key, d in self.model.items():
            ns, name = key
            kd = self.kdev(k[ns][name])
            where = f"{name}@{ns or 'home'}"
            want = {"kind": "tun", "mode": d.spec.mode, "mq": d.spec.mq, "persist": True,
                    "uid": d.uid, "gid": d.gid, "mtu": d.mtu, "up": d.up,
                    "alias": d.alias if d.alias != "" else None}
            if d.mac is not None:
                want["mac"] = d.mac
            want["vnet"] = d.vnet
            want["pi"] = d.pi
            for f, v in want.items():
                if kd[f] != v:
                    self.diverge(f"{where}: {f}", v, kd[f])
            if d.mac is None and d.spec.mode == "tap":
                d.mac = kd["mac"]
            ka = self.kaddrs(k[ns][name], d.spec)
            if sorted(map(str, ka)) != sorted(map(str, d.addrs)):
                self.diverge(f"{where}: addresses", sorted(fmt_addr(a) for a in d.addrs),
                             sorted(fmt_addr(a) for a in ka))
            d.addrs = ka
            d.secondary = self.ksecondary(k[ns][name])
            if kd["altnames"] != d.altnames:
                self.diverge(f"{where}: altnames", sorted(d.altnames), sorted(kd["altnames"]))
        now = self.foreign_snapshot(k)
        for key in self.foreign:
            if now.get(key) != self.foreign[key]:
                self.diverge(f"{key[1]}@{key[0] or 'home'}, a device tunown does not manage",
                             self.foreign[key], now.get(key))
        return k

    @staticmethod
    def ksecondary(link):
        return {(a["local"], a["prefixlen"], None) for a in link.get("addr_info", [])
                if a.get("family") == "inet" and a.get("secondary")}

    # ------------------------------------------------------------- set up

    def reset(self):
        """An empty universe: the foreign devices only, no holder, no journal."""
        for d in self.model.values():
            for h in d.holders:
                h.release()
        self.model = {}
        self.history = []
        if os.path.exists(f"/run/netns/{LAB}"):
            for name in self.links(LAB):
                if name != "lo":
                    subprocess.run(["ip", "-n", LAB, "link", "del", name], capture_output=True)
            subprocess.run(["ip", "netns", "del", LAB], capture_output=True)
        for name, link in self.links(None).items():
            if name != "lo":
                subprocess.run(["ip", "link", "del", name], capture_output=True)
        subprocess.run(["rm", "-rf", "/run/tunown"], check=True)
        self.sh(["ip", "netns", "add", LAB], check=True)
        self.ip(LAB, "link", "set", "lo", "up")
        for ns, name, cmd in FOREIGN:
            if cmd:
                self.ip(ns, *cmd[1:])
            if (ns, name) in FOREIGN_ADDR:
                self.ip(ns, "addr", "add", FOREIGN_ADDR[(ns, name)], "dev", name)
                self.ip(ns, "link", "set", name, "up")
        self.foreign = self.foreign_snapshot(self.kernel())

    # ---------------------------------------------------------- generating

    def pick_user(self):
        n = self.rng.choice(["alice", "bob"])
        return n if self.rng.random() < 0.5 else str(USERS[n])

    def pick_group(self):
        n = self.rng.choice(["kvm", "netdev"])
        return n if self.rng.random() < 0.5 else str(GROUPS[n])

    def gen_addrs(self, spec, cur, low_mtu):
        """A random address list for spec; cur is the device as the model has it (or None)."""
        rng = self.rng
        out = []
        v4 = [a for a in spec.v4 if rng.random() < 0.45]
        if not self.on("secondary_drop") and cur:
            # Keep the primary of every subnet that keeps an address: while
            # losing the secondaries with the primary is not fixed.
            v4 = self.keep_primaries(spec, cur, v4)
        out += [(a, None) for a in v4]
        if spec.mode == "tun" and rng.random() < 0.5:
            peer = rng.choice(spec.peers[0]) if self.on("peer_change") else spec.fixed_peer[0]
            out.append((spec.peer_local[0], peer))
        v6_allowed = not low_mtu
        if v6_allowed:
            for a in spec.v6:
                if rng.random() < 0.4:
                    if a == spec.v6[0] and self.on("prefix_change") and rng.random() < 0.5:
                        a = spec.v6_prefix
                    out.append((a, None))
            if not self.on("prefix_change") and cur:
                # The same local address with another prefix: not yet converged.
                locals_now = {x[0]: x for x in cur.addrs}
                out = [(c, p) for c, p in out if not (addr_key(c, p)[0] in locals_now and
                                                       locals_now[addr_key(c, p)[0]] != addr_key(c, p))]
            if spec.mode == "tun" and rng.random() < 0.3:
                peer = rng.choice(spec.peers[1]) if self.on("peer_change") else spec.fixed_peer[1]
                out.append((spec.peer_local[1], peer))
            if self.on("link_local_file") and rng.random() < 0.3:
                out.append((spec.ll, None))
        if not self.on("peer_change") and cur:
            # A local address the device has with another peer: not yet converged.
            locals_now = {x[0]: x for x in cur.addrs}
            out = [(c, p) for c, p in out if not (addr_key(c, p)[0] in locals_now and
                                                   locals_now[addr_key(c, p)[0]] != addr_key(c, p))]
        rng.shuffle(out)
        return out

    @staticmethod
    def subnet(a):
        return ipaddress.ip_interface(f"{a[0]}/{a[1]}").network if not is_v6(a) and not a[2] else None

    def keep_primaries(self, spec, cur, v4):
        want = {addr_key(a) for a in v4}
        keep = list(v4)
        for a in cur.addrs:
            net = self.subnet(a)
            if net is None or a in cur.secondary:
                continue
            in_net = [x for x in cur.addrs if self.subnet(x) == net]
            if len(in_net) > 1 and a not in want:
                keep.append(f"{a[0]}/{a[1]}")
        return keep

    def gen_section(self, spec, cur):
        rng = self.rng
        s = Section(spec)
        if spec.owner in ("user", "both"):
            s.user = self.pick_user()
        if spec.owner in ("group", "both"):
            s.group = self.pick_group()
        if cur and cur.held_single() and not self.on("held_reattach"):
            # Changing the owner of a held single-queue device is refused; the
            # dry run does not say so yet: keep the owner and group.
            s.user = None if cur.uid is None else str(cur.uid)
            s.group = None if cur.gid is None else str(cur.gid)
        mtus = [None, 1280, 1300, 1400, 1500, 9000, 1200]
        s.mtu = rng.choice(mtus)
        if s.mtu is None and not self.on("removed_mtu"):
            s.mtu = rng.choice([1500, 1400])
        low = s.mtu is not None and s.mtu < 1280
        s.addrs = self.gen_addrs(spec, cur, low)
        if spec.mode == "tap" and rng.random() < 0.4:
            s.mac = rng.choice(spec.macs)
        # vnet-hdr and pi: set when the device is created, never converged.
        if cur is None or self.on("flags_differ"):
            if rng.random() < 0.5:
                s.vnet = rng.random() < 0.5
            if rng.random() < 0.3:
                s.pi = rng.random() < 0.5
        else:
            if rng.random() < 0.3:
                s.vnet = cur.vnet
            if rng.random() < 0.2:
                s.pi = cur.pi
        if rng.random() < 0.35:
            s.up = rng.random() < 0.7
        if s.up is False and cur and cur.up and not self.on("down_ipv6"):
            s.addrs = [(c, p) for c, p in s.addrs if not is_v6(addr_key(c, p))]
        if cur and not cur.managed and self.on("adopt") and rng.random() < 0.5:
            s.adopt = True
        return s

    def gen_config(self, bad_ok=True):
        rng = self.rng
        secs = []
        for spec in UNIVERSE:
            if spec.key in ALWAYS or rng.random() < 0.7:
                secs.append(self.gen_section(spec, self.model.get(spec.key)))
        if bad_ok and rng.random() < 0.05:
            secs.append(self.gen_section(FTAP, None))
        if bad_ok and self.on("prune_missing_netns") and rng.random() < 0.15:
            # A section moved to a namespace that is not there (a typo): it fails,
            # and the device of that name here must survive --prune.
            home = [x for x in secs if x.spec.netns is None]
            if home:
                x = rng.choice(home)
                sp = Spec(x.spec.idx, x.spec.name, x.spec.mode, "nolab", x.spec.owner, x.spec.mq,
                          x.spec.explicit_mode)
                secs.remove(x)
                x.spec = sp
                secs.append(x)
        rng.shuffle(secs)
        bad = None
        if bad_ok and rng.random() < 0.06:
            bad = self.make_bad(secs)
        return secs, bad

    def make_bad(self, secs):
        rng = self.rng
        kinds = ["mtu = 12abc", "colour = blue", "address = 10.0.0.1/33", "user = nosuchuser"]
        if self.on("ipv6_low_mtu_file"):
            kinds.append("LOWMTU")
        if self.on("bad_addr_file"):
            kinds += ["address = 0.0.0.0/24", "address = 10.9.9.9/0"]
        if self.on("reserved_name"):
            kinds += ["\n[all]\nuser = alice", "\n[default]\ngroup = kvm"]
        kind = rng.choice(kinds)
        target = rng.choice(secs)
        if kind == "LOWMTU":
            target.mtu = 1200
            target.addrs.append((target.spec.v6[1], None))
        else:
            target.bad = kind
        return kind

    def conf_text(self, secs):
        text = "# written by tests/model/model.py\n"
        for s in secs:
            text += "\n" + s.text()
        return text

    def write_conf(self, secs):
        text = self.conf_text(secs)
        os.makedirs(os.path.dirname(CONF), exist_ok=True)
        with open(CONF, "w") as f:
            f.write(text)
        self.last_conf = text
        self.history.append(f"cat > {CONF} <<'EOF'\n{text}EOF")

    # --------------------------------------------------------- predicting

    def desired(self, sec, cur):
        """The device as the section makes it (apply), from cur (None: new)."""
        d = cur.copy() if cur else Dev(sec.spec)
        d.uid = sec.uid()
        d.gid = sec.gid()
        if sec.mtu is not None:
            d.mtu = sec.mtu
        elif cur is None or self.on("removed_mtu"):
            d.mtu = 1500
        if sec.mac is not None:
            d.mac = sec.mac
        d.up = True if sec.up is None else sec.up
        want = sec.keys()
        kept = [a for a in d.addrs if a in want]
        d.addrs = kept + [a for a in want if a not in kept]
        if cur is None:
            d.vnet = bool(sec.vnet)
            d.pi = bool(sec.pi)
        d.alias = ALIAS
        return d

    @staticmethod
    def same(a, b):
        return (a.uid, a.gid, a.mtu, a.up, sorted(a.addrs), a.alias) == \
               (b.uid, b.gid, b.mtu, b.up, sorted(b.addrs), b.alias) and \
               (b.mac is None or a.mac == b.mac)

    def predict_apply(self, secs, prune):
        """{key: (result, Dev or None)}, the exit status."""
        res = {}
        failed = False
        for sec in secs:
            cur = self.model.get(sec.spec.key)
            if sec.spec.netns == "nolab":
                res[sec.spec.key] = ("failed", None)     # no such namespace
                failed = True
                continue
            if sec.spec is FTAP:
                res[sec.spec.key] = ("failed", None)     # not tunown's: left alone
                failed = True
                continue
            if cur is None:
                res[sec.spec.key] = ("created", self.desired(sec, None))
                continue
            if not cur.managed and not sec.adopt:
                res[sec.spec.key] = ("failed", cur)
                failed = True
                continue
            new = self.desired(sec, cur)
            if self.same(cur, new):
                res[sec.spec.key] = ("unchanged", cur)
            elif cur.held_single() and (new.uid != cur.uid or new.gid != cur.gid):
                res[sec.spec.key] = ("failed", cur)
                failed = True
            else:
                res[sec.spec.key] = ("changed", new)
        if prune:
            # A name a failed section claims is not pruned anywhere.
            named = {s.spec.key for s in secs} | {(None, s.spec.name) for s in secs if s.spec.netns == "nolab"}
            for key, d in self.model.items():
                if key not in named and d.managed:
                    if d.holders and self.on("prune_held"):
                        res[key] = ("failed", d)      # refused: held (no --force)
                        failed = True
                    else:
                        res[key] = ("deleted", None)
        return res, 1 if failed else 0

    # ------------------------------------------------------------ the steps

    @staticmethod
    def results(out):
        """apply --json: {key: (result, changes, failed?)}."""
        try:
            v = json.loads(out) if out.strip() else []
        except ValueError:
            raise Divergence(f"apply --json printed no JSON: {out[:300]!r}")
        r = {}
        for o in v:
            word = o["result"].replace("would ", "")
            word = {"create": "created", "change": "changed", "delete": "deleted"}.get(word, word)
            r[(o.get("netns"), o["device"])] = (word, tuple(o.get("changes") or ()), bool(o.get("error")))
        return r

    def step_apply(self, prune=None, secs=None, bad=None):
        if secs is None:
            secs, bad = self.gen_config()
        if prune is None:
            prune = self.rng.random() < 0.4
        if prune and not self.on("prune_held"):
            # Pruning a held device is refused from now on; main still deletes it.
            named = {s.spec.key for s in secs}
            for key, d in self.model.items():
                if key not in named and d.holders:
                    secs.append(self.gen_section(d.spec, d))
        self.write_conf(secs)
        opts = ["--prune"] if prune else []
        dry = self.tunown("apply", "--json", "--dry-run", *opts, CONF)
        before = self.kernel()
        self.compare(before)
        real = self.tunown("apply", "--json", *opts, CONF)
        if bad:
            for name, p in (("dry run", dry), ("apply", real)):
                if p.returncode != 2:
                    self.diverge(f"{name} of a bad file ({bad}): exit status", 2,
                                 f"{p.returncode}: {p.stderr.strip()}")
            self.compare()
            return
        dr, rr = self.results(dry.stdout), self.results(real.stdout)
        if dry.returncode != real.returncode or dr != rr:
            self.diverge("the dry run's prediction of apply",
                         f"exit {dry.returncode}: {sorted(dr.items(), key=str)}",
                         f"exit {real.returncode}: {sorted(rr.items(), key=str)}; stderr: {real.stderr.strip()}",
                         ("the dry run said", "the real run did"))
        pred, rc = self.predict_apply(secs, prune)
        got = {k: v[0] for k, v in rr.items()}
        want = {k: v[0] for k, v in pred.items()}
        if got != want or real.returncode != rc:
            self.diverge("apply's results", f"exit {rc}: {sorted(want.items(), key=str)}",
                         f"exit {real.returncode}: {sorted(got.items(), key=str)}; stderr: {real.stderr.strip()}")
        for key, (word, d) in pred.items():
            if word == "deleted":
                self.drop(key)
            elif word in ("created", "changed"):
                self.model[key] = d
        self.compare()
        # Converged: a second dry run has nothing to do.
        if rc == 0:
            again = self.tunown("apply", "--json", "--dry-run", *opts, CONF)
            ar = self.results(again.stdout)
            if again.returncode != 0 or any(v[0] != "unchanged" for v in ar.values()):
                self.diverge("a dry run right after a successful apply",
                             "every device unchanged, exit 0",
                             f"exit {again.returncode}: {sorted(ar.items(), key=str)}")

    def drop(self, key):
        d = self.model.pop(key, None)
        if d:
            for h in d.holders:
                h.release()

    def add_args(self, spec, cur):
        """A random `tunown add` for spec: the argument list, the device after it, or a refusal."""
        rng = self.rng
        args = ["add", spec.name]
        if rng.random() < 0.3 or spec.explicit_mode:
            args.append("--" + spec.mode)
        user = group = None
        state_owner = cur is None or not self.on("add_unstated") or rng.random() < 0.6
        if state_owner:
            if spec.owner in ("user", "both"):
                user = self.pick_user()
            if spec.owner in ("group", "both"):
                group = self.pick_group()
            if cur and cur.held_single():
                user = None if cur.uid is None else str(cur.uid)
                group = None if cur.gid is None else str(cur.gid)
        if user:
            args += ["--user", user]
        if group:
            args += ["--group", group]
        mtu = rng.choice([None, None, 1280, 1400, 1500, 1200])
        has_v6 = cur and any(is_v6(a) for a in cur.addrs)
        refuse = None
        if mtu and mtu < 1280 and has_v6:
            if self.on("ipv6_low_mtu_add"):
                refuse = "mtu below 1280 would drop IPv6"
            else:
                mtu = 1400
        if mtu:
            args += ["--mtu", str(mtu)]
        addrs = []
        for a in spec.v4:
            if rng.random() < 0.3:
                addrs.append((a, None))
        v6_ok = not (mtu and mtu < 1280) and not (cur and cur.mtu < 1280 and not mtu)
        if v6_ok and rng.random() < 0.3:
            addrs.append((spec.v6[1], None))
        if v6_ok and rng.random() < 0.2:
            addrs.append((rng.choice([spec.v6[0], spec.v6_prefix]), None))
        replace = self.on("add_prefix_replace")
        if cur and replace and v6_ok and rng.random() < 0.4:
            # the other prefix of an address the device has
            for a, other in ((spec.v6[0], spec.v6_prefix), (spec.v6_prefix, spec.v6[0])):
                if addr_key(a) in cur.addrs:
                    addrs.append((other, None))
        # one address per local address in one command
        by_local = {}
        for c, p in addrs:
            by_local[addr_key(c)[0]] = (c, p)
        addrs = [x for x in addrs if by_local[addr_key(x[0])[0]] == x]
        if cur and not replace:
            locals_now = {x[0]: x for x in cur.addrs}
            addrs = [(c, p) for c, p in addrs if not (addr_key(c)[0] in locals_now and
                                                       locals_now[addr_key(c)[0]] != addr_key(c))]
        for c, p in addrs:
            args += ["--address", c]
        mac = rng.choice(spec.macs) if spec.mode == "tap" and rng.random() < 0.3 else None
        if mac:
            args += ["--mac", mac]
        if spec.mq:
            args.append("--multi-queue")
        vnet = pi = False
        if cur is None:
            vnet = rng.random() < 0.3
            pi = rng.random() < 0.2
        else:
            vnet = cur.vnet and rng.random() < 0.5
            pi = cur.pi and rng.random() < 0.5
        if vnet:
            args.append("--vnet-hdr")
        if pi:
            args.append("--pi")
        down = rng.random() < 0.15 or (cur is not None and not cur.up)
        if down and cur and cur.up and not self.on("down_ipv6") and \
                (any(is_v6(a) for a in cur.addrs) or any(is_v6(addr_key(c)) for c, _ in addrs)):
            down = False
        if down:
            args.append("--down")
        d = cur.copy() if cur else Dev(spec)
        if user:
            d.uid = USERS.get(user) or int(user)
        if group:
            d.gid = GROUPS.get(group) or int(group)
        if mtu:
            d.mtu = mtu
            if mtu < 1280:
                d.addrs = [a for a in d.addrs if not is_v6(a)]
        if mac:
            d.mac = mac
        d.up = not down
        for c, p in addrs:
            k = addr_key(c, p)
            if k not in d.addrs:
                # The same local address with another prefix or peer is replaced.
                d.addrs = [x for x in d.addrs if x[0] != k[0]] + [k]
        if cur is None:
            d.vnet, d.pi = vnet, pi
        return args, d, refuse

    def step_add(self):
        spec = self.rng.choice(UNIVERSE)
        cur = self.model.get(spec.key)
        if cur and not cur.managed and not self.on("adopt"):
            return self.step_alias_back(spec)
        args, d, refuse = self.add_args(spec, cur)
        if cur and not cur.managed:
            if self.rng.random() < 0.5:
                args.append("--adopt")
                d.alias = ALIAS
            elif not refuse:
                refuse = "not tunown's device, no --adopt"
        p = self.tunown(*args, netns=spec.netns)
        line = p.stdout.strip()
        if refuse:
            if p.returncode != 1:
                self.diverge(f"{' '.join(args)}: refused ({refuse})", "exit 1",
                             f"exit {p.returncode}: {line} {p.stderr.strip()}")
            self.compare()
            return
        if cur is None:
            word = "created"
        elif self.same(cur, d):
            word = "unchanged"
        else:
            word = "changed"
        if p.returncode != 0 or not line.startswith(f"{spec.name}: {word}"):
            self.diverge(f"tunown {' '.join(args)}", f"exit 0, '{spec.name}: {word}'",
                         f"exit {p.returncode}, {line!r}; stderr: {p.stderr.strip()}")
        self.model[spec.key] = d
        self.compare()

    def step_del(self):
        present = [k for k in self.model]
        if not present:
            return self.step_add()
        rng = self.rng
        keys = rng.sample(present, min(len(present), rng.choice([1, 1, 2])))
        ns = keys[0][0]
        keys = [k for k in keys if k[0] == ns]
        held = [k for k in keys if self.model[k].holders]
        force = False
        if held and not self.on("del_held"):
            for k in held:
                for h in self.model[k].holders:
                    h.release()
                self.model[k].holders = []
            held = []
        if held and rng.random() < 0.5:
            force = True
        args = ["del"] + [k[1] for k in keys] + (["--force"] if force else [])
        p = self.tunown(*args, netns=ns)
        if held and not force:
            if p.returncode != 1:
                self.diverge(f"tunown {' '.join(args)} of held devices", "exit 1, nothing deleted",
                             f"exit {p.returncode}: {p.stdout.strip()} {p.stderr.strip()}")
        else:
            if p.returncode != 0:
                self.diverge(f"tunown {' '.join(args)}", "exit 0",
                             f"exit {p.returncode}: {p.stdout.strip()} {p.stderr.strip()}")
            for k in keys:
                self.drop(k)
        self.compare()

    def holder_user(self, d):
        if d.uid is not None:
            name = UID_NAME.get(d.uid)
            if d.gid is None or name in GROUP_MEMBERS.get(d.gid, []):
                return name
            return "root"
        if d.gid is not None:
            return self.rng.choice(GROUP_MEMBERS[d.gid])
        return "root"

    def step_hold(self):
        rng = self.rng
        held = [d for d in self.model.values() if d.holders]
        if held and rng.random() < 0.4:
            d = rng.choice(held)
            h = d.holders.pop()
            self.history.append(f"# release the holder of {d.spec.name}: {' '.join(h.cmd)}")
            h.release()
            self.compare()
            return
        cands = [d for d in self.model.values() if not d.held_single() and len(d.holders) < 2]
        if not cands:
            return
        d = rng.choice(cands)
        flags = []
        if d.spec.mq:
            flags.append("--multi-queue")
        vnet, pi = d.vnet, d.pi
        if self.on("holder_flags"):
            vnet, pi = rng.random() < 0.5, rng.random() < 0.3
        if vnet:
            flags.append("--vnet-hdr")
        if pi:
            flags.append("--pi")
        if self.on("holder_nocarrier") and rng.random() < 0.3:
            flags.append("--carrier-off")
        user = self.holder_user(d)
        h = Holder(d.spec, user, flags)
        self.history.append(f"{' '.join(shlex.quote(c) for c in h.cmd)} <&- &   # holds it")
        if h.answer != "ok":
            self.diverge(f"{d.spec.name}: attach as {user} {' '.join(flags)}", "ok", h.answer)
        if not d.holders:
            # The first queue sets the device's flags; a multi-queue device
            # that has a queue already keeps its own (drivers/net/tun.c).
            d.vnet, d.pi = vnet, pi
        d.holders.append(h)
        self.compare()

    def step_ip(self):
        rng = self.rng
        if not self.model:
            return self.step_add()
        d = rng.choice(list(self.model.values()))
        spec, ns, name = d.spec, d.spec.netns, d.spec.name
        kind = rng.choice(["addr_add", "addr_add", "addr_del", "addr_del", "mtu", "alias", "altname"])
        if kind == "addr_add":
            choices = [a for a in spec.v4 + [spec.extra[0]] if addr_key(a) not in d.addrs]
            if d.mtu >= 1280:
                choices += [a for a in spec.v6 + [spec.extra[1]] if addr_key(a) not in d.addrs]
            if self.on("link_local_file") and d.mtu >= 1280 and addr_key(spec.ll) not in d.addrs:
                choices.append(spec.ll)
            if not choices:
                return
            a = rng.choice(choices)
            k = addr_key(a)
            if any(x[0] == k[0] for x in d.addrs):
                return
            self.ip(ns, "addr", "add", a, "dev", name)
            d.addrs.append(k)
        elif kind == "addr_del":
            if not d.addrs:
                return
            a = rng.choice(d.addrs)
            if not self.on("secondary_drop"):
                net = self.subnet(a)
                if net and len([x for x in d.addrs if self.subnet(x) == net]) > 1:
                    return
            args = ["addr", "del", f"{a[0]}/{a[1]}"] + (["peer", a[2]] if a[2] else []) + ["dev", name]
            self.ip(ns, *args)
            net = self.subnet(a)
            d.addrs.remove(a)
            if net and a not in d.secondary:
                # promote_secondaries is 0 in a new namespace: the secondaries go with the primary
                d.addrs = [x for x in d.addrs if self.subnet(x) != net]
        elif kind == "mtu":
            mtu = rng.choice([1280, 1300, 1450, 1500, 1200])
            self.ip(ns, "link", "set", name, "mtu", str(mtu))
            d.mtu = mtu
            if mtu < 1280:
                d.addrs = [a for a in d.addrs if not is_v6(a)]
        elif kind == "alias":
            if not d.managed:
                return self.step_alias_back(spec)
            if not self.on("alias"):
                return
            self.ip(ns, "link", "set", name, "alias", f"VM of {spec.name}")
            d.alias = f"VM of {spec.name}"
        elif kind == "altname":
            if spec.altname in d.altnames:
                self.ip(ns, "link", "property", "del", "dev", name, "altname", spec.altname)
                d.altnames.discard(spec.altname)
            else:
                self.ip(ns, "link", "property", "add", "dev", name, "altname", spec.altname)
                d.altnames.add(spec.altname)
                if self.on("altname_conflict") and rng.random() < 0.5:
                    self.compare()
                    p = self.tunown("add", spec.altname, "--user", "bob", netns=ns)
                    if p.returncode != 1:
                        self.diverge(f"tunown add {spec.altname} --user bob, an altname of {name}",
                                     "exit 1 (a conflict naming the real name)",
                                     f"exit {p.returncode}: {p.stdout.strip()} {p.stderr.strip()}")
        self.compare()

    def step_alias_back(self, spec):
        """What tunown's message says to do: put the mark back."""
        d = self.model[spec.key]
        self.ip(spec.netns, "link", "set", spec.name, "alias", ALIAS)
        d.alias = ALIAS
        self.compare()

    def release_all(self):
        for d in self.model.values():
            for h in d.holders:
                h.release()
            d.holders = []

    def step_kill(self):
        """A run killed at a random system call, then a run that must repair it."""
        rng = self.rng
        self.release_all()
        for d in self.model.values():
            if not d.managed:
                self.step_alias_back(d.spec)
        kinds = [("apply", "KILL")] * 4
        if self.on("kill_del"):
            kinds += [("del", "KILL")] * 2
        if self.on("term_del"):
            kinds += [("del", "TERM"), ("del", "INT"), ("del", "HUP")]
        what, sig = rng.choice(kinds)
        secs, _ = self.gen_config(bad_ok=False)
        if what == "apply":
            self.write_conf(secs)
            cmd = [TUNOWN, "apply"] + (["--prune"] if rng.random() < 0.4 else []) + [CONF]
        else:
            present = [k for k in self.model if k[0] is None]
            if not present:
                return
            cmd = [TUNOWN, "del"] + [k[1] for k in rng.sample(present, min(2, len(present)))]
        sc = rng.choice(["sendmsg", "sendmsg", "sendmsg", "ioctl", "recvfrom", "close", "openat"])
        n = rng.randint(1, 12)
        if what == "del":
            # del: one dump, the move into a spare netdev group, the group delete
            sc, n = "sendmsg", rng.randint(1, 4)
        p = self.sh(["strace", "-f", "-o", "/dev/null", "-e", f"inject={sc}:signal={sig}:when={n}"] + cmd)
        self.counts[f"kill {what} {sig}"] = self.counts.get(f"kill {what} {sig}", 0) + 1
        # Whatever the kill left, the next runs must find and finish.
        if self.on("kill_then_add") and rng.random() < 0.5:
            others = [s for s in UNIVERSE if s.netns is None and s.key not in {x.spec.key for x in secs}]
            if others:
                spec = rng.choice(others)
                cur = None if spec.key not in self.model else self.model[spec.key]
                owner = ["--user", "alice"] if spec.owner != "group" else ["--group", "kvm"]
                if spec.owner == "both":
                    owner += ["--group", "kvm"]
                self.tunown("add", spec.name, "--" + spec.mode, *owner,
                            *(["--multi-queue"] if spec.mq else []),
                            *(["--down"] if cur and not cur.up else []))
        self.write_conf(secs)
        dry = self.tunown("apply", "--json", "--dry-run", "--prune", CONF)
        real = self.tunown("apply", "--json", "--prune", CONF)
        dr, rr = self.results(dry.stdout), self.results(real.stdout)
        if dry.returncode != real.returncode or dr != rr:
            self.diverge(f"after a killed {what}: the dry run's prediction of apply --prune",
                         f"exit {dry.returncode}: {sorted(dr.items(), key=str)}",
                         f"exit {real.returncode}: {sorted(rr.items(), key=str)}; stderr: {real.stderr.strip()}",
                         ("the dry run said", "the real run did"))
        if real.returncode != 0:
            self.diverge(f"after a killed {what} (strace inject={sc}:signal={sig}:when={n}): apply --prune",
                         "exit 0", f"exit {real.returncode}: {real.stderr.strip()}")
        new = {}
        for sec in secs:
            d = self.desired(sec, None)
            old = self.model.get(sec.spec.key)
            if old is not None:
                d.altnames = set(old.altnames)
            new[sec.spec.key] = d
        k = self.kernel()
        for key, d in new.items():
            # vnet-hdr/pi and the MAC are whatever the device was made with,
            # by this run or the killed one: read them back.
            kd = self.kdev(k[key[0]][key[1]]) if key[1] in k[key[0]] else None
            if kd:
                d.vnet, d.pi = kd["vnet"], kd["pi"]
                if what == "del" and key[0] is None and key[1] in cmd:
                    # deleted (and made again) or not: the killed del decided
                    d.altnames = kd["altnames"]
                if d.mac is None:
                    d.mac = kd["mac"]
                if key in self.model and d.mac is None:
                    d.mac = self.model[key].mac
        self.model = new
        self.compare(k)

    def step_sigpipe(self):
        secs, _ = self.gen_config(bad_ok=False)
        self.write_conf(secs)
        pred, rc = self.predict_apply(secs, False)
        # The reader is gone before apply writes a byte (closed here, not by a
        # racing `| true`): SIGPIPE must not stop it half-way. subprocess gives
        # the child the default SIGPIPE action, as a shell would.
        r, w = os.pipe()
        os.close(r)
        self.history.append(f"{shlex.quote(TUNOWN)} apply {CONF} > (a pipe without a reader)")
        try:
            p = subprocess.run([TUNOWN, "apply", CONF], stdout=w, stderr=subprocess.PIPE, text=True)
        finally:
            os.close(w)
        status = p.returncode if p.returncode >= 0 else 128 - p.returncode
        if status in (141, 0) and any(v[0] != "unchanged" for v in pred.values()):
            # 141: killed by SIGPIPE. 0: the write error went unreported.
            self.diverge("apply | true", "the work done, then exit 1 for the write error",
                         f"exit {status}")
        for key, (word, d) in pred.items():
            if word in ("created", "changed"):
                self.model[key] = d
        self.compare()

    STEPS = [
        ("apply", 34), ("add", 12), ("del", 6), ("hold", 12), ("ip", 22), ("kill", 5), ("sigpipe", 2),
    ]

    def one_step(self):
        kinds = [k for k, _ in self.STEPS if k != "sigpipe" or self.on("sigpipe")]
        weights = [w for k, w in self.STEPS if k in kinds]
        kind = self.rng.choices(kinds, weights)[0]
        self.counts[kind] = self.counts.get(kind, 0) + 1
        getattr(self, "step_" + kind)()

    def run(self):
        start = time.monotonic()
        self.reset()
        for self.step_no in range(1, self.steps + 1):
            mark = len(self.history)
            try:
                self.one_step()
            except Divergence as e:
                self.report(e, mark)
                if not self.keep_going:
                    break
                self.reset()
        self.release_all()
        self.elapsed = time.monotonic() - start
        return 1 if self.divergences else 0

    def report(self, e, mark):
        msg = [f"DIVERGENCE at step {self.step_no} (TUNOWN_SEED={self.seed} "
               f"TUNOWN_MODEL_STEPS={self.step_no}): {e}",
               "  the commands since the universe was last reset (the failing step last):"]
        hist = self.history
        if len(hist) > 40:
            msg.append(f"    ... {len(hist) - 40} earlier commands")
            hist = hist[-40:]
        msg += ["    " + h.replace("\n", "\n    ") for h in hist]
        text = "\n".join(msg)
        self.divergences.append(text)
        print(text, flush=True)
        if os.environ.get("TUNOWN_MODEL_REPORT"):
            with open(os.environ["TUNOWN_MODEL_REPORT"], "a") as f:
                f.write(text + "\n\n")


def main():
    seed = os.environ.get("TUNOWN_SEED")
    seed = int(seed) if seed else random.SystemRandom().randrange(1, 2**31)
    steps = int(os.environ.get("TUNOWN_MODEL_STEPS", "300"))
    enabled = {x for x in os.environ.get("TUNOWN_MODEL_ENABLE", "").split(",") if x}
    keep = os.environ.get("TUNOWN_MODEL_KEEP_GOING") == "1"
    if os.geteuid() != 0 or os.environ.get("TUNOWN_SANDBOX") != "1":
        print("model.py: run as root inside tests/lib/sandbox (make check, make soak)", file=sys.stderr)
        return 2
    print(f"model: seed {seed} (TUNOWN_SEED={seed} reproduces it), {steps} steps, "
          f"disabled: {', '.join(sorted(set(DISABLED) - enabled)) if 'all' not in enabled else 'none'}",
          flush=True)
    r = Run(seed, steps, enabled, keep, os.environ.get("TUNOWN_MODEL_LOG"))
    try:
        rc = r.run()
    except Harness as e:
        print(f"model.py: harness error at step {r.step_no} (TUNOWN_SEED={seed}): {e}", file=sys.stderr)
        return 2
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(r.counts.items()))
    print(f"model: {r.step_no} steps, seed {seed}, {len(r.divergences)} divergences, "
          f"{r.elapsed:.1f} s ({r.step_no / r.elapsed:.1f} steps/s); steps: {kinds}", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
