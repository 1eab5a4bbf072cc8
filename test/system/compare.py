#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check-system.sh's verdict: the plain boot against the sealed one.

usage: compare.py PLAIN_RESULTS SEALED_RESULTS

Each directory is what guest.sh wrote in one boot.  Checks, each printed
as a line with ok or FAIL:

  state     systemctl is-system-running after the boot settled: the
            sealed boot no worse than the plain one (running > degraded >
            anything else), and no unit failed in the sealed boot that did
            not fail in the plain one
  sealed    every process running after the sealed boot: the code and
            RELRO mappings and the read-only data of every object with code
            (mseal maps --all --json) sealed, except processes the policy
            leaves out (named) and processes whose own seccomp filter
            refuses mseal(2), as their preload logged (named); read-only file mappings that are no
            object's image (locale archives, caches) are counted, not
            required.  Control: the same check must find unsealed
            processes in the plain boot, or it could not fail
  battery   each test passes in the plain boot (else the battery itself is
            broken) and in the sealed one
  self      a program started from the battery: its image fully sealed in
            the sealed boot (as "sealed" counts it), not at all in the
            plain one
  boot time systemd-analyze, sealed/plain as a ratio: reported, never a
            verdict (the guest's speed follows the host's load)

Exits 1 when a check fails.
"""
import json
import os
import re
import sys

failed = False


def line(name, ok, text):
    global failed
    if not ok:
        failed = True
    print("%-10s %-4s  %s" % (name, "ok" if ok else "FAIL", text))


def read(d, name, default=""):
    try:
        with open(os.path.join(d, name), errors="replace") as f:
            return f.read()
    except OSError:
        return default


RANK = {"running": 0, "degraded": 1}


def check_state(plain, sealed):
    ps, ss = read(plain, "state").strip(), read(sealed, "state").strip()
    pf = set(read(plain, "failed-units").split())
    sf = set(read(sealed, "failed-units").split())
    worse = RANK.get(ss, 2) > RANK.get(ps, 2)
    new = sorted(sf - pf)
    text = "plain %s (%d failed), sealed %s (%d failed)" % (
        ps or "?", len(pf), ss or "?", len(sf))
    if new:
        text += "; failed only when sealed: " + ", ".join(new)
    if pf:
        text += "; failed in both: " + ", ".join(sorted(pf & sf))
    line("state", bool(ps) and bool(ss) and not worse and not new, text)


def policy(d):
    """(excluded paths, dlopen policy) of the sealed boot's system.conf
    (mseal-system(8)); without one, what `mseal run` does by default."""
    paths = []
    # What the preload in force says (mseal system status), else the
    # default of system mode (pin) or, without a policy file, of `mseal
    # run` (nodelete).
    m = re.search(r"^dlopen:\s*(\S+)", read(d, "system-status"), re.M)
    if m:
        dlopen = m.group(1)
    else:
        dlopen = "pin" if read(d, "system.conf") else "nodelete"
    for raw in read(d, "system.conf").splitlines():
        key, eq, value = raw.strip().partition("=")
        if not eq or raw.lstrip().startswith("#"):
            continue
        key, value = key.strip(), value.strip()
        if key == "exclude":
            paths.append(value)
        elif key == "dlopen":
            dlopen = value
    return paths, dlopen


def excluded(path, paths):
    return any(path == p or (p.endswith("/") and path.startswith(p))
               for p in paths)


def startup_objects(d):
    out = {}
    for raw in read(d, "startup").splitlines():
        pid, _, objs = raw.partition("\t")
        if pid.isdigit():
            out[int(pid)] = set(objs.split())
    return out


def unsealed_image(proc):
    """The mappings of PROC that must be sealed and are not."""
    maps = proc.get("mappings") or []
    objects = {m["path"] for m in maps if m["class"] == "code" and m["path"]}
    bad = []
    for m in maps:
        if m["sealed"]:
            continue
        if m["class"] in ("code", "relro") or (
                m["class"] == "rodata" and m["path"] in objects):
            bad.append(m)
    return bad


def data_rodata(proc):
    maps = proc.get("mappings") or []
    objects = {m["path"] for m in maps if m["class"] == "code" and m["path"]}
    return [m for m in maps
            if m["class"] == "rodata" and m["path"] not in objects]


def load_maps(d):
    try:
        with open(os.path.join(d, "maps.json"), errors="surrogateescape") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"error": str(e)}


def exes(d):
    out = {}
    for raw in read(d, "exe").splitlines():
        pid, _, exe = raw.partition("\t")
        if pid.isdigit():
            out[int(pid)] = exe
    return out


def seccomp_filtered(d):
    """The PIDs that run under a seccomp filter (Seccomp: 2): a filter that
    does not know mseal(2), such as systemd 252's SystemCallFilter=
    @system-service, makes it fail with EPERM, and the program runs on
    unsealed."""
    out = set()
    for raw in read(d, "seccomp").splitlines():
        pid, _, mode = raw.partition("\t")
        if pid.isdigit() and mode.strip() == "2":
            out.add(int(pid))
    return out


def refused_by_filter(d):
    """The PIDs whose preload logged that their own seccomp filter refuses
    mseal(2) (src/preload/preload.c, system mode)."""
    out = set()
    pat = re.compile(r"mseal: .*\[(\d+)\]: mseal\(2\) is refused by this "
                     r"process's seccomp filter")
    for raw in read(d, "journal.txt").splitlines():
        m = pat.search(raw)
        if m:
            out.add(int(m.group(1)))
    return out


def image_of(proc):
    """The path of a process's lowest file mapping: its program."""
    paths = [m["path"] for m in proc["mappings"]
             if m.get("path", "").startswith("/")]
    return paths[0] if paths else None


def check_sealed(plain, sealed):
    skip, dlopen = policy(sealed)
    for label, d in (("plain", plain), ("sealed", sealed)):
        doc = load_maps(d)
        if "processes" not in doc:
            line("sealed", False, "%s boot: no mseal maps --all --json (%s; "
                 "status %s; %s)" % (label, doc.get("error"),
                                     read(d, "maps.status").strip(),
                                     read(d, "maps.err").strip()[:200]))
            continue
        exe = exes(d)
        start = startup_objects(d)
        procs = [p for p in doc["processes"] if p.get("mappings")]
        bad, left_out, by_dlopen, data, by_filter = [], [], {}, 0, []
        filtered = seccomp_filtered(d)
        excusable = filtered & refused_by_filter(d)
        # A process forked by one of those without an exec (udevd's
        # workers) runs the same image under the same filter, and no
        # preload runs in it.  Its image is its lowest mapping; a worker
        # gone before its status was read counts by its image alone.
        known = set(exe)
        excused_images = {image_of(p) for p in procs
                          if p["pid"] in excusable}
        for p in procs:
            if image_of(p) in excused_images and (
                    p["pid"] in filtered or p["pid"] not in known):
                excusable.add(p["pid"])
        for p in procs:
            path = exe.get(p["pid"], "?")
            if excluded(path, skip):
                left_out.append("%d %s" % (p["pid"], path))
                continue
            u = unsealed_image(p)
            data += len(data_rodata(p))
            if label == "sealed" and dlopen != "pin" and p["pid"] in start:
                # Objects beyond the start-up list came from dlopen: the
                # policy nodelete (or off) leaves those it may unload.
                late = [m for m in u if m["path"] not in start[p["pid"]]]
                for m in late:
                    by_dlopen.setdefault(m["path"], set()).add(p["comm"])
                u = [m for m in u if m["path"] in start[p["pid"]]]
            if u and label == "sealed" and p["pid"] in excusable:
                # Its own filter (systemd's SystemCallFilter=, which does
                # not know mseal(2)) refuses every seal: named, not failed.
                by_filter.append("%d %s" % (p["pid"], path))
            elif u:
                bad.append((p, path, u))
        if label == "plain":
            # The control: unsealed images must be seen here.
            line("control", len(bad) == len(procs) and procs != [],
                 "plain boot: %d of %d processes have unsealed code, rodata "
                 "or RELRO (all must)" % (len(bad), len(procs)))
            continue
        text = ("sealed boot: %d processes, %d with unsealed code, rodata "
                "or RELRO of a start-up object%s; %d read-only data mappings "
                "of no object (not required)" % (
                    len(procs), len(bad),
                    "" if dlopen == "pin" else " or one pinned by dlopen",
                    data))
        line("sealed", not bad and procs != [], text)
        if by_filter:
            print("           unsealed, their own seccomp filter refuses "
                  "mseal(2) (logged by the preload): " + ", ".join(by_filter))
        if left_out:
            print("           left out by the policy (exclude): " +
                  ", ".join(left_out))
        for obj, comms in sorted(by_dlopen.items()):
            print("           left unsealed by the policy dlopen = %s: %s "
                  "(dlopen in %s)" % (dlopen, obj, ", ".join(sorted(comms))))
        for p, path, u in bad[:20]:
            objs = sorted({"%s %s" % (m["class"], m["path"] or "[anon]")
                           for m in u})
            why = ""
            if p["pid"] in filtered:
                why = ", under a seccomp filter (systemd's SystemCallFilter=?)"
            print("           pid %d (%s, %s%s): %d unsealed: %s" % (
                p["pid"], p["comm"], path, why, len(u), "; ".join(objs[:6]) +
                (" ..." if len(objs) > 6 else "")))
        if len(bad) > 20:
            print("           ... and %d more processes" % (len(bad) - 20))


BATTERY = ["login_shell", "setuid", "python3", "perl", "dpkg", "services",
           "journal", "forkexec"]


def check_battery(plain, sealed):
    for t in BATTERY:
        p = read(plain, "battery/%s.status" % t).strip()
        s = read(sealed, "battery/%s.status" % t).strip()
        ok = p == "0" and s == "0"
        text = "%-12s plain %s, sealed %s" % (t, p or "not run",
                                              s or "not run")
        line("battery", ok, text)
        if not ok:
            for label, d, st in (("plain", plain, p), ("sealed", sealed, s)):
                if st != "0":
                    log = read(d, "battery/%s.log" % t).splitlines()[-8:]
                    for l in log:
                        print("           %s| %s" % (label, l))


def self_image(d):
    """(unsealed, sealed) counts of the image mappings (as check_sealed
    counts them) of the program the battery started, or None."""
    try:
        doc = json.loads(read(d, "battery/self.log"))
        proc = doc["processes"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    bad = len(unsealed_image(proc))
    maps = proc.get("mappings") or []
    good = sum(1 for m in maps if m["sealed"] and
               m["class"] in ("code", "rodata", "relro"))
    return bad, good


def check_self(plain, sealed):
    p, s = self_image(plain), self_image(sealed)
    line("self", p is not None and s is not None and p[1] == 0 and p[0] > 0
         and s[0] == 0 and s[1] > 0,
         "mseal maps --self from the battery (image mappings unsealed/"
         "sealed): plain %s (must be none sealed), sealed %s (must be all)"
         % ("%d/%d" % p if p else "none read",
            "%d/%d" % s if s else "none read"))


def seconds(text):
    """systemd's time span ("1min 2.345s", "850ms") in seconds."""
    units = {"h": 3600, "min": 60, "s": 1, "ms": 1e-3, "us": 1e-6}
    total = 0.0
    for num, unit in re.findall(r"([\d.]+)(h|min|ms|us|s)\b", text):
        total += float(num) * units[unit]
    return total


def boot_time(d):
    """(kernel, userspace, total) seconds, from systemd-analyze time."""
    text = read(d, "analyze-time")
    m = re.search(r"Startup finished in (.*?) = (.*)", text)
    if not m:
        return None
    parts = dict((name, seconds(span)) for span, name in
                 re.findall(r"(.+?) \((\w+)\)(?: \+ |$)", m.group(1)))
    return parts.get("kernel", 0.0), parts.get("userspace", 0.0), \
        seconds(m.group(2).splitlines()[0])


def report_time(plain, sealed):
    p, s = boot_time(plain), boot_time(sealed)
    if not p or not s or not p[2] or not p[1]:
        print("boot time  n/a   no systemd-analyze time from a boot")
        return
    print("boot time  info  plain %.1fs (userspace %.1fs), sealed %.1fs "
          "(userspace %.1fs): sealed/plain %.2fx, userspace %.2fx "
          "(target <= 1.10x; not a verdict)" % (
              p[2], p[1], s[2], s[1], s[2] / p[2], s[1] / p[1]))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare.py PLAIN_RESULTS SEALED_RESULTS")
    plain, sealed = sys.argv[1:]
    check_state(plain, sealed)
    check_sealed(plain, sealed)
    check_battery(plain, sealed)
    check_self(plain, sealed)
    report_time(plain, sealed)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
