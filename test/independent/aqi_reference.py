"""IAQI of generated concentrations by two independent AQI implementations from PyPI (not ours):
aqi-hub (caiyunapp; HJ 633-2026 breakpoints, daily items) and python-aqi (ALGO_MEP; HJ 633-2012).
Reads a JSON list of {"edition", "values": {key: concentration}} on stdin, writes a JSON list of
{key: iaqi} on stdout (a key the implementation does not cover is left out)."""
import json
import sys
import warnings

import math

from aqi_hub.aqi_cn.aqi import _cal_iaqi_cn
from aqi_hub.aqi_cn.common import breakpoints as HUB_BREAKPOINTS
import aqi as python_aqi
from aqi import constants as C

warnings.simplefilter("ignore")
# SO2 24-h is left out: aqi-hub 0.3.3's SO2_24H rows are the 1-hour table (0-150, 150-500 …), not
# HJ 633's 24-hour one (0-50, 50-150, 150-475 …), which python-aqi and ours follow.
HUB = {"pm25_24h": "PM25_24H", "pm10_24h": "PM10_24H", "no2_24h": "NO2_24H",
       "co_24h": "CO_24H", "o3_8h": "O3_8H", "o3_1h": "O3_1H"}
MEP = {"pm25_24h": C.POLLUTANT_PM25, "pm10_24h": C.POLLUTANT_PM10,
       "so2_24h": C.POLLUTANT_SO2_24H, "no2_24h": C.POLLUTANT_NO2_24H,
       "o3_8h": C.POLLUTANT_O3_8H, "o3_1h": C.POLLUTANT_O3_1H}
mep = python_aqi.get_algo(python_aqi.ALGO_MEP)

out = []
for case in json.load(sys.stdin):
    row = {}
    for key, c in case["values"].items():
        if case["edition"] == "HJ633-2026" and key in HUB:
            # aqi-hub's own formula; rounded up as it does, without the float noise of its
            # math.ceil (25 * 0.2 + 50 = 55.000000000000004 would be 56)
            row[key] = math.ceil(_cal_iaqi_cn(c, HUB_BREAKPOINTS[HUB[key]]) - 1e-9)
        elif case["edition"] == "HJ633-2012" and key in MEP:
            v = mep.iaqi(MEP[key], str(c))
            row[key] = None if v is None else int(v)
    out.append(row)
json.dump(out, sys.stdout)
