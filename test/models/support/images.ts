import sharp from 'sharp';

export const solid = (colour: string, width = 64, height = 48) => sharp({ create: { width, height, channels: 3, background: colour } });

export const solidPng = (colour: string, width?: number, height?: number) => solid(colour, width, height).png().toBuffer();
