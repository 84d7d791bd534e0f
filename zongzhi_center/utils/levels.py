"""Centre levels and case tiers (四诊分调: grid → village → township → county, city above)."""

# rank grows with the level: a case may climb to a higher tier, never sit below its centre's level
LEVEL_RANK = {"Grid": 1, "Village": 2, "Township": 3, "County": 4, "City": 5}

# digits of a region code a centre of this level has (grids have none of their own)
REGION_CODE_DIGITS = {"City": 6, "County": 6, "Township": 9, "Village": 12}

# how many leading digits a child's code repeats from a parent of this level
CHILD_PREFIX_DIGITS = {"City": 4, "County": 6, "Township": 9, "Village": 12}


def rank(level: str | None) -> int:
	return LEVEL_RANK.get(level or "", 0)
