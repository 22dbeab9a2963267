#!/usr/bin/env python3
"""Writes the demo's synthetic grid-frequency profiles (200 ms steps, 40 s, as a class A analyser
reports them). Synthetic, not measured: modelled on the shape ENTSO-E describes for the north-west
area on 8 January 2021 (a fall to about 49.74 Hz within seconds, then a plateau), compressed so
that the demo trips within a minute. Deterministic: run it again and get the same files."""
import math

def write(name, frequency):
    with open(name, "w") as out:
        out.write("time_utc,frequency_hz\n")
        for step in range(200):  # 40 s
            t = step * 0.2
            seconds = 5 + t
            minute = "04" if seconds < 10 else "05"
            stamp = "2021-01-08T13:%s:%02d.%03dZ" % (minute, (int(seconds) + 50) % 60, round((seconds % 1) * 1000) % 1000)
            out.write("%s,%.3f\n" % (stamp, frequency(t)))

def ripple(t, phase):
    return 0.004 * math.sin(2 * math.pi * t / 4.3 + phase)  # a slow oscillation of a few mHz

def dip(phase):
    def frequency(t):
        if t < 10:
            base = 50.000
        elif t < 12:
            base = 50.000 - 0.260 * (t - 10) / 2      # falls to 49.740 Hz in 2 s
        elif t < 18:
            base = 49.740 + 0.030 * (t - 12) / 6      # plateau, 49.74 -> 49.77 Hz
        elif t < 22:
            base = 49.770 + 0.200 * (t - 18) / 4      # recovers to 49.97 Hz
        else:
            base = 49.970 + 0.030 * min(1, (t - 22) / 10)
        return base + ripple(t, phase)
    return frequency

write("frequency-dip-a.csv", dip(0.0))
write("frequency-dip-b.csv", dip(1.0))
write("frequency-steady.csv", lambda t: 50.000 + ripple(t, 2.0))
