/** The help of `--all-regions`, shared by the commands that read live AWS locations. */
export const ALL_REGIONS_HELP = 'with the location aws: (no region), read every enabled AWS region (DescribeRegions; opt-in regions once opted in)';
