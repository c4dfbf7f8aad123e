package dev.jnas.data;

/** A dataset's official training and test parts. */
public record TrainTestData(ImageDataset train, ImageDataset test) {}
