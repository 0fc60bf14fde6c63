import { ObjectType } from 'type-graphql';
import { ClassNode } from './Class';
import { ImageNode } from './Image';
import { RelationNode } from './Relation';
import { ConnectionOf, connectionDescription, type ConnectionNouns } from './connection';

export const CLASS_NOUNS: ConnectionNouns = { item: 'class', items: 'classes' };
export const IMAGE_NOUNS: ConnectionNouns = { item: 'image', items: 'images' };
export const RELATION_NOUNS: ConnectionNouns = { item: 'relation', items: 'relations' };

@ObjectType({ description: connectionDescription(CLASS_NOUNS) })
export class ClassConnection extends ConnectionOf('Class', ClassNode, CLASS_NOUNS) {}

@ObjectType({ description: connectionDescription(IMAGE_NOUNS) })
export class ImageConnection extends ConnectionOf('Image', ImageNode, IMAGE_NOUNS) {}

@ObjectType({ description: connectionDescription(RELATION_NOUNS) })
export class RelationConnection extends ConnectionOf('Relation', RelationNode, RELATION_NOUNS) {}
