"""What the emulator does with received media: decode it while someone records it, and write archives."""
