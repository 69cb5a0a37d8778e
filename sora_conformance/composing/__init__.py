"""hisui in the loop: Shiguredo's composition tool run on a recording (FILES-COMPOSE) and what it says, read."""
